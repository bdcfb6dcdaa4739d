using RescueAdSync.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// The soak run: a sustained change rate, with memory (RSS of reader and provisioner), queue depth and sync lag
/// sampled and printed; the end state is compared with the directory like every fault case. Figures are printed, never
/// asserted (they depend on the machine); docs/reliability.md records them. The long run is nightly; a short one runs by default.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class SoakTests(SlapdFixture slapd, RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Short_soak_of_45_s_at_two_changes_a_second_ends_exactly_where_the_directory_is()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-soak-short");
        var samples = await stream.SoakAsync(TimeSpan.FromSeconds(45), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), output.WriteLine);
        Assert.True(samples.Count >= 3, "too few samples to show a trend");
    }

    [Fact]
    [Trait(Nightly.Trait, Nightly.Value)]
    public async Task Soak_of_5_min_at_two_changes_a_second_ends_exactly_where_the_directory_is()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-soak");
        var samples = await stream.SoakAsync(TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(15), output.WriteLine);
        Assert.True(samples.Count >= 10, "too few samples to show a trend");
    }
}
