namespace RescueAdSync.RescueEmulator.Apis.Models;

/// <summary>Token fixes the value (for the demo); without it a random token is made.</summary>
public sealed record GenerateTokenRequest(string? Token = null);
