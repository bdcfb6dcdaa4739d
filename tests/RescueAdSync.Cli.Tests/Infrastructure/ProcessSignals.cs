using System.Runtime.InteropServices;

namespace RescueAdSync.Cli.Tests.Infrastructure;

/// <summary>SIGINT, as an operator's Ctrl-C: System.Diagnostics.Process can only SIGKILL.</summary>
public static class ProcessSignals
{
    private const int SigInt = 2;

    public static void Interrupt(int pid)
    {
        if (kill(pid, SigInt) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, SIGINT) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>The process's blocked, ignored and caught signal masks from /proc (for a failure message).</summary>
    public static string Dispositions(int pid)
    {
        try
        {
            return string.Join(", ", File.ReadLines($"/proc/{pid}/status")
                .Where(line => line.StartsWith("SigBlk:", StringComparison.Ordinal) || line.StartsWith("SigIgn:", StringComparison.Ordinal)
                    || line.StartsWith("SigCgt:", StringComparison.Ordinal))
                .Select(line => string.Join(' ', line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries))));
        }
        catch (IOException)
        {
            return "signal masks not readable";
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
