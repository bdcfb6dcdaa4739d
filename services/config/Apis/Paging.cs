using RescueAdSync.Config.Validation;

namespace RescueAdSync.Config.Apis;

/// <summary>skip/take query parameters, bounded so that one request cannot read a whole table.</summary>
public static class Paging
{
    public const int DefaultTake = 100;

    public static void Validate(ValidationErrors errors, int? skip, int? take, int maxTake)
    {
        if (skip < 0)
        {
            errors.Add("skip", "Must not be negative.");
        }

        if (take is < 1 || take > maxTake)
        {
            errors.Add("take", $"Must be between 1 and {maxTake}.");
        }
    }
}
