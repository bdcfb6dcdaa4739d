using System.Globalization;

namespace RescueAdSync.Benchmarks.Stack;

/// <summary>
/// Peak resident memory (VmHWM) of a service process. The service is a black box started by ServiceProcess, which
/// does not expose its pid, so the process is found by its unique "--urls http://127.0.0.1:&lt;port&gt;" argument.
/// </summary>
public static class ProcessMemory
{
    public static int? FindPid(string url) =>
        Processes().Where(p => p.Args.Contains(url, StringComparer.Ordinal) && p.Args.Contains("--urls", StringComparer.Ordinal))
            .Select(p => (int?)p.Pid).FirstOrDefault();

    /// <summary>VmHWM in MiB, or null when the process is gone.</summary>
    public static double? PeakRssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static double? PeakRssMb(string url) => FindPid(url) is { } pid ? PeakRssMb(pid) : null;

    /// <summary>CPU time (user + system) the process has used so far, in seconds, or null when it is gone.</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ..." — fields 14 and 15 (utime, stime) in clock ticks (100 a second on Linux).
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static double? CpuSeconds(string url) => FindPid(url) is { } pid ? CpuSeconds(pid) : null;

    /// <summary>The pids whose command line contains <paramref name="text"/> (e.g. RabbitMQ's beam.smp).</summary>
    public static IEnumerable<int> FindPids(string text) =>
        Processes().Where(p => p.Args.Any(arg => arg.Contains(text, StringComparison.Ordinal))).Select(p => p.Pid);

    /// <summary>Every process this user may read, with its command-line arguments.</summary>
    private static IEnumerable<(int Pid, string[] Args)> Processes()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string[] args;
            try
            {
                args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            yield return (pid, args);
        }
    }
}
