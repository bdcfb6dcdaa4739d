using System.Runtime.InteropServices;

namespace RescueAdSync.TestInfrastructure;

/// <summary>POSIX signals that System.Diagnostics.Process does not send (it only has SIGKILL).</summary>
internal static class Signals
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    public static bool Terminate(int pid) => Send(pid, SigTerm);

    public static bool Send(int pid, int signal) => !OperatingSystem.IsWindows() && pid > 1 && kill(pid, signal) == 0;

    /// <summary>Signals the process group led by <paramref name="pid"/> (servers run under setsid), else the process.</summary>
    public static bool SendToGroup(int pid, int signal) => pid > 1 && (Send(-pid, signal) || Send(pid, signal));

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
