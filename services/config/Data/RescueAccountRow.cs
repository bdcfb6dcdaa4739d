namespace RescueAdSync.Config.Data;

/// <summary>The single Rescue account (Id 1). Secret columns hold ciphertext from <see cref="Secrets.SecretProtector"/>.</summary>
public sealed class RescueAccountRow
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public required string ApiBaseUrl { get; set; }

    public required string MahEmail { get; set; }

    public required string MahPasswordEncrypted { get; set; }

    public required string ServiceTokenEncrypted { get; set; }

    public required string DefaultPasswordEncrypted { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Bumped on every write; the ETag, and the concurrency token that makes If-Match atomic.</summary>
    public long Revision { get; set; }
}
