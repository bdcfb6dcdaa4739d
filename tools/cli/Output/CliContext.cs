using System.Text.Json;
using RescueAdSync.Cli.Api;

namespace RescueAdSync.Cli.Output;

/// <summary>What a command works with: the API client and where (and how) to write its results.</summary>
public sealed class CliContext(ConfigApiClient api, bool json)
{
    private static readonly JsonSerializerOptions Indented = new(ConfigApiClient.Json) { WriteIndented = true };
    private static readonly JsonSerializerOptions Compact = new(ConfigApiClient.Json);

    public ConfigApiClient Api { get; } = api;

    /// <summary>True with --json: stdout carries only JSON, for scripts; notes go to stderr.</summary>
    public bool Json { get; } = json;

    public TextWriter Out { get; } = Console.Out;

    public TextWriter Error { get; } = Console.Error;

    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>One JSON document per line (follow mode), so a script can process entries as they arrive.</summary>
    public void WriteJsonLine<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, Compact));

    /// <summary>A remark for a human; kept off stdout in JSON mode so the output stays parseable.</summary>
    public void Note(string text) => (Json ? Error : Out).WriteLine(text);
}
