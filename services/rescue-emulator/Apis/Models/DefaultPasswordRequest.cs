namespace RescueAdSync.RescueEmulator.Apis.Models;

public sealed record DefaultPasswordRequest(string Password);
