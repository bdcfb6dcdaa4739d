using System.Globalization;

namespace RescueAdSync.Benchmarks.Stack;

/// <summary>
/// Peak resident memory (VmHWM) of a service process. The service is a black box started by ServiceProcess, which
/// does not expose its pid, so the process is found by its unique "--urls http://127.0.0.1:&lt;port&gt;" argument.
/// </summary>
public static class ProcessMemory
{
    public static int? FindPid(string url)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (args.Contains(url, StringComparer.Ordinal) && args.Contains("--urls", StringComparer.Ordinal))
                    return pid;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return null;
    }

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
    public static IEnumerable<int> FindPids(string text)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            if (cmdline.Contains(text, StringComparison.Ordinal))
                yield return pid;
        }
    }
}
