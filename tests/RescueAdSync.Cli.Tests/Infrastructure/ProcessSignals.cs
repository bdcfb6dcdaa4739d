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

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
