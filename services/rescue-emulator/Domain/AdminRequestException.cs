namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>An admin request that cannot be applied; <see cref="Code"/> is a Rescue-style code where one fits.</summary>
public sealed class AdminRequestException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
