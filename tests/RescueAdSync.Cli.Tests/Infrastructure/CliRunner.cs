using System.Diagnostics;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Cli.Tests.Infrastructure;

/// <summary>Runs the built CLI (tools/cli/bin/&lt;Configuration&gt;/net10.0/adsync.dll) as a real process.</summary>
public static class CliRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string DllPath => Path.Combine(RepoPaths.Root, "tools", "cli", "bin", RepoPaths.Configuration, "net10.0", "adsync.dll");

    public static Task<CliResult> RunAsync(string? url, string? key, string? stdin, params string[] args) =>
        RunAsync(url, key, stdin, until: null, args);

    /// <param name="url">Becomes ADSYNC_URL (null: unset).</param>
    /// <param name="key">Becomes ADSYNC_API_KEY (null: unset).</param>
    /// <param name="stdin">Written to standard input, which is then closed; null closes it at once.</param>
    /// <param name="until">When given, the process is interrupted (SIGINT, as Ctrl-C) once this answers true for its stdout so far (it may act, e.g. write log entries, meanwhile).</param>
    /// <param name="args">The arguments.</param>
    public static Task<CliResult> RunAsync(string? url, string? key, string? stdin, Func<string, Task<bool>>? until, params string[] args) =>
        RunAsync(url, key, stdin, bytes: null, until, args);

    /// <summary>Runs the CLI with <paramref name="bytes"/> (binary, e.g. a keytab) written to its standard input.</summary>
    public static Task<CliResult> RunWithBytesAsync(string? url, string? key, byte[] bytes, params string[] args) =>
        RunAsync(url, key, stdin: null, bytes, until: null, args);

    private static async Task<CliResult> RunAsync(string? url, string? key, string? stdin, byte[]? bytes, Func<string, Task<bool>>? until, string[] args)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException($"{DllPath} does not exist; build tools/cli first.", DllPath);
        }

        // An ignored SIGINT is inherited through fork and exec, and the .NET runtime then leaves it ignored, as a shell
        // does for a background job: a test host started in the background by a non-interactive shell (`test.sh &`)
        // would pass that on, and the interrupted CLI would never see its Ctrl-C. An operator's terminal delivers
        // SIGINT to a foreground process with the default disposition: env --default-signal gives the CLI exactly that.
        var psi = new ProcessStartInfo(until is null ? "dotnet" : "env")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (until is not null)
        {
            psi.ArgumentList.Add("--default-signal=INT");
            psi.ArgumentList.Add("dotnet");
        }
        psi.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment.Remove("ADSYNC_URL");
        psi.Environment.Remove("ADSYNC_API_KEY");
        if (url is not null)
        {
            psi.Environment["ADSYNC_URL"] = url;
        }

        if (key is not null)
        {
            psi.Environment["ADSYNC_API_KEY"] = key;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = new System.Text.StringBuilder();
        var stdoutLock = new object();
        var outputDone = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                outputDone.TrySetResult();
                return;
            }

            lock (stdoutLock)
            {
                stdout.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        var stderrTask = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        else if (bytes is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(bytes);
            await process.StandardInput.BaseStream.FlushAsync();
        }

        process.StandardInput.Close();

        using var timeout = new CancellationTokenSource(Timeout);
        var interrupted = false;
        try
        {
            if (until is not null)
            {
                while (!process.HasExited)
                {
                    string sofar;
                    lock (stdoutLock)
                    {
                        sofar = stdout.ToString();
                    }

                    if (await until(sofar))
                    {
                        ProcessSignals.Interrupt(process.Id);
                        interrupted = true;
                        break;
                    }

                    await Task.Delay(100, timeout.Token);
                }
            }

            await process.WaitForExitAsync(timeout.Token);
            await outputDone.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Which of the two: the awaited output never came, or the process outlived its SIGINT (and with what
            // signal masks: SigIgn with 0x2 set means SIGINT was ignored).
            var state = interrupted ? $"it was sent SIGINT and kept running ({ProcessSignals.Dispositions(process.Id)})"
                : until is null ? "" : "the output it was to be interrupted on never came";
            process.Kill(entireProcessTree: true);
            // Killed, so its stderr ends.
            var stderr = await stderrTask;
            throw new TimeoutException($"adsync {string.Join(' ', args)} did not exit within {Timeout.TotalSeconds:0} s{(state.Length > 0 ? $": {state}" : "")}."
                + $"\nstdout so far:\n{stdout}\nstderr:\n{stderr}");
        }

        string output;
        lock (stdoutLock)
        {
            output = stdout.ToString();
        }

        return new CliResult(process.ExitCode, output, await stderrTask, string.Join(' ', args));
    }
}
