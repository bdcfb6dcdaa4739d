namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>Answer Status (429 or 503) with Retry-After to the next Count calls, or to every call for DurationSeconds.</summary>
public sealed record HttpFaultRequest(int Status, int RetryAfterSeconds = 1, int? Count = null, double? DurationSeconds = null);
