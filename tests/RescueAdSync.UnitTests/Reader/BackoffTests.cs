using RescueAdSync.AdReader.Sync;

namespace RescueAdSync.UnitTests.Reader;

public sealed class BackoffTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 4)]
    [InlineData(2, 8)]
    [InlineData(4, 32)]
    [InlineData(5, 60)]
    [InlineData(1000, 60)]
    public void Delay_doubles_per_failure_up_to_the_cap(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.Delay(Poll, failures, Max));
    }

    [Fact]
    public void A_cap_below_the_poll_interval_never_polls_faster_than_configured()
    {
        Assert.Equal(Poll, Backoff.Delay(Poll, 3, TimeSpan.FromSeconds(1)));
    }
}
