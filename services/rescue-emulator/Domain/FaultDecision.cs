namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>What the fault injector wants done to one API call before it reaches the organization.</summary>
public sealed record FaultDecision(TimeSpan Latency, bool Reset, int? HttpStatus, TimeSpan? RetryAfter);
