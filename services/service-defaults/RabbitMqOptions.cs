using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace RescueAdSync.ServiceDefaults;

/// <summary>
/// Where the message broker is (section "RabbitMq"). The password comes from the environment or a secret. One broker is
/// <see cref="Host"/> and <see cref="Port"/>; a cluster is <see cref="Nodes"/>, a comma-separated list of host:port that
/// replaces them: the services connect to any listed node that answers and reconnect to another when theirs goes away.
/// </summary>
public sealed class RabbitMqOptions : IValidatableObject
{
    public const string Section = "RabbitMq";

    [Required] public string Host { get; set; } = "localhost";
    [Range(1, 65535)] public int Port { get; set; } = 5672;

    /// <summary>The nodes of a RabbitMQ cluster, "host:port,host:port,…" (":port" may be left out for 5672). Unset: one broker, Host and Port.</summary>
    public string? Nodes { get; set; }

    [Required] public string VirtualHost { get; set; } = "/";
    [Required] public string Username { get; set; } = "guest";
    [Required] public string Password { get; set; } = "guest";

    /// <summary>True when <see cref="Nodes"/> names the broker's nodes.</summary>
    public bool IsCluster => !string.IsNullOrWhiteSpace(Nodes);

    /// <summary>Every node to connect to: the parsed <see cref="Nodes"/>, or Host and Port alone.</summary>
    public IReadOnlyList<RabbitMqNode> Endpoints() => IsCluster ? ParseNodes(Nodes!) : [new RabbitMqNode(Host, Port)];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsCluster)
        {
            yield break;
        }

        var errors = new List<string>();
        try
        {
            ParseNodes(Nodes!);
        }
        catch (FormatException ex)
        {
            errors.Add(ex.Message);
        }
        foreach (var error in errors)
        {
            yield return new ValidationResult(error, [nameof(Nodes)]);
        }
    }

    /// <summary>Parses "host:port,host:port"; a malformed entry throws a <see cref="FormatException"/> that names it.</summary>
    public static IReadOnlyList<RabbitMqNode> ParseNodes(string nodes)
    {
        var result = new List<RabbitMqNode>();
        var entries = nodes.Split(',', StringSplitOptions.TrimEntries);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (entry.Length == 0)
            {
                throw new FormatException($"RabbitMq:Nodes entry {i + 1} is empty; expected host:port entries separated by commas, e.g. \"rabbit-1:5672,rabbit-2:5672\".");
            }

            if (entry.Contains("://", StringComparison.Ordinal) || entry.Contains('/', StringComparison.Ordinal))
            {
                throw new FormatException($"RabbitMq:Nodes entry \"{entry}\" is not host:port: give the host name and port only (no amqp:// scheme or path); the virtual host is RabbitMq:VirtualHost.");
            }

            var colon = entry.LastIndexOf(':');
            var host = colon < 0 ? entry : entry[..colon];
            var port = 5672;
            if (colon >= 0 && (!int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            {
                throw new FormatException($"RabbitMq:Nodes entry \"{entry}\" has no valid port: expected host:port with a port from 1 to 65535.");
            }

            if (host.Length == 0 || host.Contains(':', StringComparison.Ordinal) || host.Any(char.IsWhiteSpace))
            {
                throw new FormatException($"RabbitMq:Nodes entry \"{entry}\" has no valid host name: expected host:port, e.g. \"rabbit-1:5672\".");
            }

            result.Add(new RabbitMqNode(host, port));
        }
        if (result.Distinct().Count() != result.Count)
        {
            throw new FormatException($"RabbitMq:Nodes lists a node twice: \"{nodes}\".");
        }

        return result;
    }
}

/// <summary>One RabbitMQ node to connect to.</summary>
public sealed record RabbitMqNode(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
