namespace RescueAdSync.RescueEmulator.Apis.Models;

/// <summary>Added to every Rescue API call until cleared.</summary>
public sealed record LatencyRequest(int Milliseconds);
