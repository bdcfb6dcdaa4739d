using System.Diagnostics;

namespace RescueAdSync.TestInfrastructure;

/// <summary>Runs one of deploy/local/*.sh and fails with its output when it fails.</summary>
internal static class ScriptRunner
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(4);

    public static Task<string> RunAsync(string script, IEnumerable<string> args, CancellationToken ct = default,
        IDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        RunProcessAsync("bash", [RepoPaths.Script(script), .. args], ct, environment, timeout);

    /// <summary>Blocking form for exit handlers, where nothing can be awaited.</summary>
    public static void Run(string script, IEnumerable<string> args, TimeSpan timeout)
    {
        try
        {
            RunProcessAsync("bash", [RepoPaths.Script(script), .. args], CancellationToken.None, null, timeout)
                .GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"[TestInfrastructure] {script} {string.Join(' ', args)} failed: {e.Message}");
        }
    }

    public static async Task<string> RunProcessAsync(string fileName, IEnumerable<string> args, CancellationToken ct,
        IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(fileName, psi)} did not finish in time.\n{await stdout}\n{await stderr}");
        }
        var (output, error) = (await stdout, await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Describe(fileName, psi)} exited with {process.ExitCode}.\n--- stderr\n{error}\n--- stdout\n{output}");
        }
        return output;
    }

    private static string Describe(string fileName, ProcessStartInfo psi) =>
        $"'{fileName} {string.Join(' ', psi.ArgumentList)}'";
}
