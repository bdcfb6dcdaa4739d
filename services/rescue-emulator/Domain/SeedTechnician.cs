namespace RescueAdSync.RescueEmulator.Domain;

public sealed record SeedTechnician(string Name, string Email, bool Enabled = true, bool MobileAddon = false, string? Password = null);
