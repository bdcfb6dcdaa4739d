namespace RescueAdSync.Config.Data;

/// <summary>
/// The head of the ad-reader's persisted state for one mapping: the reader's small JSON document (high-water mark,
/// cookies, times) stored as text. The known users are rows of their own (<see cref="ReaderStateUserRow"/>).
/// </summary>
public sealed class ReaderStateRow
{
    public Guid MappingId { get; set; }

    /// <summary>
    /// The reader's document. Until <see cref="UsersInRows"/> is set (a state written before the known users became
    /// rows) it still holds them under "users"; they are carried into rows when the state is first read.
    /// </summary>
    public required string Document { get; set; }

    public string? DirectoryVersion { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// A random value replaced on every write: the ETag. Random rather than a counter so that an ETag read before an
    /// admin deleted the state can never match the state written after it.
    /// </summary>
    public required string ConcurrencyStamp { get; set; }

    /// <summary>Counts the writes of this state; each user row records the revision that last wrote it.</summary>
    public long Revision { get; set; }

    /// <summary>False for a state stored as one document (known users inside) that is not carried into rows yet.</summary>
    public bool UsersInRows { get; set; }
}
