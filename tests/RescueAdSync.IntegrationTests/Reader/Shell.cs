using System.Diagnostics;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>Runs a command (openssl, a deploy/local script) for a test and fails the test with its output when it fails.</summary>
internal static class Shell
{
    public static Task ScriptAsync(string script, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunAsync("bash", [Path.Combine(RepoPaths.Root, "deploy", "local", script), .. args], environment);

    public static async Task RunAsync(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{fileName} {string.Join(' ', start.ArgumentList)} failed: {await output}{await error}");
    }
}
