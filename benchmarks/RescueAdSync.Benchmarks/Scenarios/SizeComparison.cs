using RescueAdSync.Benchmarks.Results;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>The targets that compare directory sizes: idle cost at the largest vs the smallest size, reader memory at the largest vs 10k.</summary>
public static class SizeComparison
{
    public static List<BenchResult> Compare(IReadOnlyList<ReaderFigures> figures)
    {
        var results = new List<BenchResult>();
        if (figures.Count < 2)
            return results;
        var small = figures.MinBy(f => f.Users)!;
        var large = figures.MaxBy(f => f.Users)!;
        var official = small.Users <= 1_000 && large.Users >= 100_000;
        if (small.IdleCycleSeconds is { } s && large.IdleCycleSeconds is { } l)
        {
            results.Add(new BenchResult("2 idle poll", $"idle cycle time at {large.Users:N0} vs {small.Users:N0}", l * 1000, "ms", $"at {small.Users:N0}", s * 1000,
                official ? "≤ 1.5×" : null, official ? l <= 1.5 * s : null));
        }
        if (small.IdleOperationsPerCycle is { } so && large.IdleOperationsPerCycle is { } lo)
        {
            results.Add(new BenchResult("2 idle poll", $"LDAP operations per idle cycle at {large.Users:N0} vs {small.Users:N0}", lo, "ops", $"at {small.Users:N0}", so,
                official ? "≤ 1.5×" : null, official ? lo <= 1.5 * so : null));
        }
        var tenK = figures.FirstOrDefault(f => f.Users == 10_000);
        if (tenK is not null && large != tenK && tenK.PeakRssMb is { } m10 && large.PeakRssMb is { } ml)
        {
            var memoryOfficial = large.Users >= 100_000;
            results.Add(new BenchResult("6 memory", $"reader peak RSS at {large.Users:N0} vs 10,000", ml, "MB", "at 10,000", m10,
                memoryOfficial ? "≤ 1.5×" : null, memoryOfficial ? ml <= 1.5 * m10 : null));
        }
        return results;
    }
}
