namespace RescueAdSync.Config.Data;

/// <summary>
/// Failed authentications of one client address in its current one-minute window, shared by every replica on PostgreSQL.
/// Only written by one upsert statement (INSERT … ON CONFLICT DO UPDATE … RETURNING), so concurrent failures on two
/// replicas are both counted.
/// </summary>
public sealed class AuthFailureRow
{
    public const int MaxClientLength = 64;

    public required string Client { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public int Count { get; set; }
}
