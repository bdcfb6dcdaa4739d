namespace RescueAdSync.Contracts.Config;

/// <summary>The Rescue account as shown to administrators: secrets are never returned, only whether they are set.</summary>
public sealed record RescueAccountView(
    string ApiBaseUrl,
    string MahEmail,
    bool MahPasswordSet,
    bool ServiceTokenSet,
    bool DefaultPasswordSet,
    DateTimeOffset UpdatedAt);
