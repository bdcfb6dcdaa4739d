namespace RescueAdSync.RescueEmulator.Apis.Models;

/// <summary>The next Count Rescue API calls have their connection aborted.</summary>
public sealed record ResetFaultRequest(int Count);
