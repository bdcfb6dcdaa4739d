using System.Diagnostics;
using System.Text;

namespace RescueAdSync.Benchmarks.Stack;

/// <summary>Runs a command to completion, capturing its output; the elapsed time is the baseline figure for ldapsearch and slapadd.</summary>
public static class Shell
{
    public sealed record Outcome(int ExitCode, string Output, TimeSpan Elapsed);

    public static async Task<Outcome> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null,
        string? stdinFile = null, bool discardStdout = false, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        // stdout is drained even when discarded: a full pipe would stall ldapsearch and inflate its time.
        var stdout = discardStdout
            ? process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, ct)
            : process.StandardOutput.ReadToEndAsync(ct).ContinueWith(t => { lock (output) { output.Append(t.Result); } }, ct, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        if (stdinFile is not null)
        {
            await using (var input = File.OpenRead(stdinFile))
            {
                await input.CopyToAsync(process.StandardInput.BaseStream, ct);
            }

            process.StandardInput.Close();
        }
        await process.WaitForExitAsync(ct);
        await stdout;
        stopwatch.Stop();
        var errors = await stderr;
        lock (output)
        {
            output.Append(errors);
        }

        return new Outcome(process.ExitCode, output.ToString(), stopwatch.Elapsed);
    }

    public static async Task<Outcome> RunCheckedAsync(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null,
        string? stdinFile = null, bool discardStdout = false, CancellationToken ct = default)
    {
        var list = args.ToList();
        var outcome = await RunAsync(file, list, environment, stdinFile, discardStdout, ct);
        if (outcome.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', list)} exited with {outcome.ExitCode}:\n{Tail(outcome.Output)}");
        }

        return outcome;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
