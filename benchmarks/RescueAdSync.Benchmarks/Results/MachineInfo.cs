using System.Runtime.InteropServices;

namespace RescueAdSync.Benchmarks.Results;

/// <summary>
/// What the figures were measured on. The load average is recorded at the start and end of every scenario because
/// these machines are shared: a figure taken at load 9 on 2 cores is not comparable with one taken at load 1.
/// </summary>
public sealed record MachineInfo(string Os, string Cpu, int Cores, long MemoryMb, string Runtime, string LoadAverage)
{
    public static MachineInfo Read() => new(
        RuntimeInformation.OSDescription,
        CpuModel(),
        Environment.ProcessorCount,
        ReadMemoryMb(),
        RuntimeInformation.FrameworkDescription,
        LoadAverageNow());

    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg, e.g. "8.86 11.33 9.58".</summary>
    public static string LoadAverageNow()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static long ReadMemoryMb()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
