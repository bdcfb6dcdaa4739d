using RescueAdSync.Contracts;

namespace RescueAdSync.Config.Data;

/// <summary>One known user of a mapping's reader state: what the reader last published for that user.</summary>
public sealed class ReaderStateUserRow
{
    public const int MaxId = 256;

    public Guid MappingId { get; set; }

    public required string UserId { get; set; }

    public required string DisplayName { get; set; }

    public required string Email { get; set; }

    public required string DistinguishedName { get; set; }

    public UserState State { get; set; }

    public long Version { get; set; }

    /// <summary>The <see cref="ReaderStateRow.Revision"/> of the write that last wrote this row.</summary>
    public long Revision { get; set; }
}
