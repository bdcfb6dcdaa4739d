namespace RescueAdSync.Config.Data;

public static class StoredTime
{
    /// <summary>
    /// Now, UTC, cut to whole milliseconds: what every database here stores exactly, so a time returned on write
    /// equals the one read back later (ETag-free comparisons, "changed since" checks in the other services).
    /// </summary>
    public static DateTimeOffset UtcNowForStorage(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
