namespace RescueAdSync.RescueEmulator;

/// <summary>Section "Emulator". SeedFile: optional JSON (<see cref="Domain.EmulatorSeed"/>) loaded at start.</summary>
public sealed class EmulatorOptions
{
    public const string Section = "Emulator";

    public string? SeedFile { get; set; }
}
