namespace RescueAdSync.Config.Data;

/// <summary>A named leader lease; only written by single guarded statements, so concurrent requests cannot both win.</summary>
public sealed class LeaseRow
{
    public required string Name { get; set; }

    public required string Holder { get; set; }

    public DateTimeOffset AcquiredAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
