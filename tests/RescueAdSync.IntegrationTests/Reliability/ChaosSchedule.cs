namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// The seeded sequence of faults: which kind, which target, how long the target stays down and how long after this fault's
/// start the next one starts. The same seed and catalogue give the same sequence, whatever happens during the run: every
/// step draws the same four numbers from <c>new Random(seed)</c>.
/// </summary>
public static class ChaosSchedule
{
    public static readonly TimeSpan MinOutage = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxOutage = TimeSpan.FromSeconds(8);
    public static readonly TimeSpan MinGap = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(20);

    /// <summary>An endless plan; the caller stops taking steps when its time is up.</summary>
    public static IEnumerable<Step> Plan(int seed, IReadOnlyList<ChaosFault> catalogue)
    {
        var random = new Random(seed);
        for (var number = 1; ; number++)
        {
            var fault = catalogue[random.Next(catalogue.Count)];
            var target = random.Next(fault.Targets);
            var outage = TimeSpan.FromMilliseconds(random.Next((int)MinOutage.TotalMilliseconds, (int)MaxOutage.TotalMilliseconds + 1));
            var gap = TimeSpan.FromMilliseconds(random.Next((int)MinGap.TotalMilliseconds, (int)MaxGap.TotalMilliseconds + 1));
            yield return new Step(number, fault, target, outage, gap);
        }
    }

    /// <summary>One planned fault.</summary>
    public sealed record Step(int Number, ChaosFault Fault, int Target, TimeSpan Outage, TimeSpan Gap)
    {
        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"#{Number,-3} {Fault.Kind,-24} {Fault.TargetName(Target),-34} outage {Outage.TotalSeconds,4:0.0} s, next in {Gap.TotalSeconds,4:0.0} s");
    }
}
