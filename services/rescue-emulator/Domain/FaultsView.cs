namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>The faults in force (GET /admin/faults).</summary>
public sealed record FaultsView(int LatencyMilliseconds, int? HttpStatus, int? RetryAfterSeconds, int? HttpRemainingCalls, DateTimeOffset? HttpUntil, int ResetsRemaining);
