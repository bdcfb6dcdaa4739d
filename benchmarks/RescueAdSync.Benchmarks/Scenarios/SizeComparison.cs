using System.Globalization;
using RescueAdSync.Benchmarks.Results;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>The targets that compare directory sizes: idle cost at the largest vs the smallest size, reader memory at the largest vs 10k.</summary>
public static class SizeComparison
{
    public static List<BenchResult> Compare(IReadOnlyList<ReaderFigures> figures)
    {
        var results = new List<BenchResult>();
        if (figures.Count < 2)
        {
            return results;
        }

        var small = figures.MinBy(f => f.Users)!;
        var large = figures.MaxBy(f => f.Users)!;
        var official = small.Users <= 1_000 && large.Users >= 100_000;
        if (small.Idle is { } s && large.Idle is { } l)
        {
            // The "cost of one incremental cycle (time and LDAP operations)": the whole poll, the span over which the
            // operations are counted. The mapping's part alone is printed beside it, with its own ratio, without the target.
            results.Add(new BenchResult("2 idle poll", $"idle poll time (whole poll) at {large.Users:N0} vs {small.Users:N0}", l.PollSeconds * 1000, "ms",
                $"at {small.Users:N0}", s.PollSeconds * 1000, official ? "≤ 1.5×" : null, official ? l.PollSeconds <= 1.5 * s.PollSeconds : null,
                Notes: MedianRatio(l.PollMedianSeconds, s.PollMedianSeconds)));
            results.Add(new BenchResult("2 idle poll", $"idle poll, mapping part only, at {large.Users:N0} vs {small.Users:N0}", l.MappingSeconds * 1000, "ms",
                $"at {small.Users:N0}", s.MappingSeconds * 1000,
                Notes: $"not the target's span (no configuration refresh, bind or high-water mark); {MedianRatio(l.MappingMedianSeconds, s.MappingMedianSeconds)}"));
            if (s.OperationsPerPoll is { } so && l.OperationsPerPoll is { } lo)
            {
                results.Add(new BenchResult("2 idle poll", $"LDAP operations per idle poll at {large.Users:N0} vs {small.Users:N0}", lo, "ops", $"at {small.Users:N0}", so,
                    official ? "≤ 1.5×" : null, official ? lo <= 1.5 * so : null));
            }
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

    private static string MedianRatio(double large, double small) =>
        string.Create(CultureInfo.InvariantCulture, $"medians {large * 1000:0.000} vs {small * 1000:0.000} ms = {(small > 0 ? large / small : double.NaN):0.00}×");
}
