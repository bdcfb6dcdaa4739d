using System.Text.Json;
using Xunit.Sdk;

namespace RescueAdSync.Cli.Tests.Infrastructure;

/// <summary>What one run of the adsync process did.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr, string CommandLine)
{
    public void AssertExit(int expected)
    {
        if (ExitCode != expected)
        {
            throw new XunitException($"adsync {CommandLine} exited {ExitCode}, expected {expected}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    public JsonElement Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Stdout);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new XunitException($"adsync {CommandLine} did not write JSON to stdout ({e.Message}):\n{Stdout}\nstderr:\n{Stderr}");
        }
    }
}
