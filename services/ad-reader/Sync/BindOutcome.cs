namespace RescueAdSync.AdReader.Sync;

/// <summary>Whether the last bind worked, and what happened, for /health/ready.</summary>
public sealed record BindOutcome(bool Succeeded, string Description, DateTimeOffset At);
