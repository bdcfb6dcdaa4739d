namespace RescueAdSync.Config.Data;

/// <summary>The ad-reader's persisted state for one mapping; the document is the reader's JSON, stored as text.</summary>
public sealed class ReaderStateRow
{
    public Guid MappingId { get; set; }

    public required string Document { get; set; }

    public string? DirectoryVersion { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// A random value replaced on every write: the ETag. Random rather than a counter so that an ETag read before an
    /// admin deleted the state can never match the state written after it.
    /// </summary>
    public required string ConcurrencyStamp { get; set; }
}
