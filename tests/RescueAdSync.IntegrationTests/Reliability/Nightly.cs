namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// The trait of the slowest reliability cases (30 s outages, the long soak). <c>deploy/local/test.sh</c> leaves them out
/// (<c>--filter Category!=Nightly</c>); <c>deploy/local/test.sh --nightly</c> (or <c>ADSYNC_NIGHTLY=1</c>) runs everything.
/// Mark a test with <c>[Trait(Nightly.Trait, Nightly.Value)]</c>.
/// </summary>
public static class Nightly
{
    public const string Trait = "Category";
    public const string Value = "Nightly";

    /// <summary>The nightly outage; the default run uses <see cref="FaultToleranceTests.Outage"/> (10 s).</summary>
    public static readonly TimeSpan LongOutage = TimeSpan.FromSeconds(30);
}
