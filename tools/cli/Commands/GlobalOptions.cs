using System.CommandLine;
using RescueAdSync.Cli.Api;

namespace RescueAdSync.Cli.Commands;

/// <summary>Options every command accepts: where the config service is, the key, and the output format.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"Config service base URL, e.g. http://127.0.0.1:5080 (default: ${ApiConnection.UrlVariable}).",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = $"Admin API key (default: ${ApiConnection.KeyVariable}; prefer the variable: arguments show in ps and shell history).",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write JSON to stdout for scripts instead of tables.",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(Url);
        root.Add(Key);
        root.Add(Json);
    }
}
