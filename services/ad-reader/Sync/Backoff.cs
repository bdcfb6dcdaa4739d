namespace RescueAdSync.AdReader.Sync;

/// <summary>How long to wait after consecutive failures to reach the directory: doubling from the poll interval, capped.</summary>
public static class Backoff
{
    public static TimeSpan Delay(TimeSpan pollInterval, int consecutiveFailures, TimeSpan max)
    {
        if (consecutiveFailures <= 0)
        {
            return pollInterval;
        }
        // 2^6 × a 2 s poll is already past any sensible cap; a bounded exponent cannot overflow.
        var factor = Math.Pow(2, Math.Min(consecutiveFailures, 16));
        var delay = TimeSpan.FromTicks((long)Math.Min(pollInterval.Ticks * factor, max.Ticks));
        return delay < pollInterval ? pollInterval : delay;
    }
}
