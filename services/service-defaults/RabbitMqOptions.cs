using System.ComponentModel.DataAnnotations;

namespace RescueAdSync.ServiceDefaults;

/// <summary>Where the message broker is (section "RabbitMq"). The password comes from the environment or a secret.</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required] public string Host { get; set; } = "localhost";
    [Range(1, 65535)] public int Port { get; set; } = 5672;
    [Required] public string VirtualHost { get; set; } = "/";
    [Required] public string Username { get; set; } = "guest";
    [Required] public string Password { get; set; } = "guest";
}
