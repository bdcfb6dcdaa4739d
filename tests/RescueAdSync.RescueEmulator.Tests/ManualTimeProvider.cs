namespace RescueAdSync.RescueEmulator.Tests;

/// <summary>A clock the tests move by hand, for the login limit window and timed faults.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
