using System.Runtime.InteropServices;

namespace RescueAdSync.TestInfrastructure;

/// <summary>POSIX signals that System.Diagnostics.Process does not send (it only has SIGKILL).</summary>
internal static class Signals
{
    private const int SigTerm = 15;

    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && kill(pid, SigTerm) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
