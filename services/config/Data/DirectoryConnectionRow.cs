using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Data;

/// <summary>The single directory connection (Id 1). The bind password is ciphertext.</summary>
public sealed class DirectoryConnectionRow
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public DirectoryKind Kind { get; set; }

    public required List<string> ServerUrls { get; set; }

    public required string BindDn { get; set; }

    public required string BindPasswordEncrypted { get; set; }

    public required string BaseDn { get; set; }

    public int PollIntervalSeconds { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Bumped on every write; the ETag, and the concurrency token that makes If-Match atomic.</summary>
    public long Revision { get; set; }
}
