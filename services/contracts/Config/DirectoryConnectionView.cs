namespace RescueAdSync.Contracts.Config;

/// <summary>The directory connection as shown to administrators: the bind password is never returned.</summary>
public sealed record DirectoryConnectionView(
    DirectoryKind Kind,
    IReadOnlyList<string> ServerUrls,
    string BindDn,
    bool BindPasswordSet,
    string BaseDn,
    int PollIntervalSeconds,
    DateTimeOffset UpdatedAt);
