namespace RescueAdSync.RescueEmulator.Apis.Models;

/// <summary>The service token, shown once like in the Admin Center.</summary>
public sealed record TokenResponse(string Token);
