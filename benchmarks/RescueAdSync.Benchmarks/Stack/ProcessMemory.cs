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

    /// <summary>
    /// What the process's resident memory is made of, in MiB: VmRSS and VmHWM from /proc/&lt;pid&gt;/status, and from
    /// /proc/&lt;pid&gt;/smaps_rollup the anonymous part (GC heap, JIT code, the runtime's and native libraries' allocations,
    /// thread stacks) and the file-backed rest (the mapped runtime, native libraries and assemblies). Null when the process is gone.
    /// </summary>
    public static MemoryBreakdown? Breakdown(int pid)
    {
        try
        {
            var status = Fields(File.ReadLines($"/proc/{pid}/status"));
            var rollup = Fields(File.ReadLines($"/proc/{pid}/smaps_rollup"));
            var rss = status["VmRSS"];
            var anonymous = rollup["Anonymous"];
            return new MemoryBreakdown(rss, status["VmHWM"], anonymous, Math.Max(0, rollup["Rss"] - anonymous), rollup["Pss"], Mappings(pid));
        }
        catch (Exception ex) when (ex is IOException or KeyNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Resident MiB of /proc/&lt;pid&gt;/smaps by kind of mapping: "assemblies" (*.dll), "native libraries" (*.so*),
    /// "JIT code (double-mapped)" (the runtime's memfd:doublemapper, mapped twice when W^X is on, so counted twice),
    /// "malloc heap" ([heap]), "anonymous" (GC heap, JIT and loader heaps, thread stacks), "other"; largest first.
    /// </summary>
    public static IReadOnlyList<(string Kind, double Mb)> Mappings(int pid)
    {
        var kinds = new Dictionary<string, double>(StringComparer.Ordinal);
        var kind = "other";
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 5 && parts[0].Contains('-', StringComparison.Ordinal) && !parts[0].EndsWith(':'))
            {
                var path = parts.Length > 5 ? string.Join(' ', parts[5..]) : "";
                kind = path switch
                {
                    "" => "anonymous",
                    "[heap]" => "malloc heap",
                    _ when path.EndsWith(".dll", StringComparison.Ordinal) => "assemblies",
                    _ when path.Contains("doublemapper", StringComparison.Ordinal) => "JIT code (double-mapped)",
                    _ when path.Contains(".so", StringComparison.Ordinal) => "native libraries",
                    _ when path.StartsWith("[stack", StringComparison.Ordinal) => "anonymous",
                    _ => "other",
                };
            }
            else if (parts.Length == 3 && parts[0] == "Rss:" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            {
                kinds[kind] = kinds.GetValueOrDefault(kind) + kb / 1024.0;
            }
        }
        return [.. kinds.OrderByDescending(k => k.Value).Select(k => (k.Key, k.Value))];
    }

    /// <summary>The largest resident mappings of /proc/&lt;pid&gt;/smaps by file (or kind, for anonymous ones), for the log.</summary>
    public static IReadOnlyList<(string Mapping, double Mb)> LargestMappings(int pid, int count)
    {
        var files = new Dictionary<string, double>(StringComparer.Ordinal);
        var name = "";
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 5 && parts[0].Contains('-', StringComparison.Ordinal) && !parts[0].EndsWith(':'))
            {
                name = parts.Length > 5 ? Path.GetFileName(string.Join(' ', parts[5..])) : "[anonymous]";
            }
            else if (parts.Length == 3 && parts[0] == "Rss:" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            {
                files[name] = files.GetValueOrDefault(name) + kb / 1024.0;
            }
        }
        return [.. files.OrderByDescending(f => f.Value).Take(count).Select(f => (f.Key, f.Value))];
    }

    /// <summary>"Name:   1234 kB" lines as MiB by name.</summary>
    private static Dictionary<string, double> Fields(IEnumerable<string> lines)
    {
        var fields = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && parts[0].EndsWith(':') && parts[2] == "kB"
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            {
                fields[parts[0][..^1]] = kb / 1024.0;
            }
        }
        return fields;
    }

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

/// <summary>Resident memory of one process in MiB: now, at its peak, and now split into anonymous and file-backed pages.</summary>
/// <param name="PssMb">Proportional set size: each shared page divided among the processes that map it (the framework's files, when several .NET processes run on one machine).</param>
public sealed record MemoryBreakdown(double RssMb, double PeakRssMb, double AnonymousMb, double FileBackedMb, double PssMb, IReadOnlyList<(string Kind, double Mb)> Kinds)
{
    public string KindsText => string.Join(", ", Kinds.Where(k => k.Mb >= 0.05).Select(k => FormattableString.Invariant($"{k.Kind} {k.Mb:0.0}")));
}
