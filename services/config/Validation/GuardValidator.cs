using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Validation;

/// <summary>The mass-change guard thresholds of a mapping.</summary>
public static class GuardValidator
{
    public const int MaxAbsolute = 1_000_000;

    public static void Validate(ValidationErrors errors, MappingSettings settings)
    {
        if (settings.GuardMaxDisables is < 0 or > MaxAbsolute)
        {
            errors.Add("guardMaxDisables", $"Must be between 0 (hold every disable) and {MaxAbsolute}.");
        }

        if (settings.GuardMaxDisablePercent is < 1 or > 100)
        {
            errors.Add("guardMaxDisablePercent", "Must be between 1 and 100 (100 turns the percentage rule off).");
        }
    }
}
