using RescueAdSync.Benchmarks.Results;

namespace RescueAdSync.UnitTests.Benchmarks;

public sealed class PercentilesTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(50, 5.5)]
    [InlineData(100, 10.0)]
    [InlineData(95, 9.55)]
    public void Percentile_interpolates_between_closest_ranks(double percentile, double expected)
    {
        double[] samples = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];

        Assert.Equal(expected, Percentiles.Of(samples, percentile), precision: 9);
    }

    [Fact]
    public void Single_sample_is_every_percentile() => Assert.Equal(3.0, Percentiles.Of([3.0], 99));

    [Fact]
    public void No_samples_is_an_error() => Assert.Throws<ArgumentException>(() => Percentiles.Of([], 50));
}
