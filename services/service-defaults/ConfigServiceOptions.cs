using System.ComponentModel.DataAnnotations;

namespace RescueAdSync.ServiceDefaults;

/// <summary>How a service reaches the config service (section "ConfigService"). The API key is a secret.</summary>
public sealed class ConfigServiceOptions
{
    public const string Section = "ConfigService";

    [Required, Url] public string Url { get; set; } = "";
    [Required] public string ApiKey { get; set; } = "";
}
