namespace RescueAdSync.Config.Data;

/// <summary>SQLite's <c>PRAGMA synchronous</c> for the config database (WAL mode): when a committed write reaches the disk.</summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// A commit is durable against a crash of the service; after a power loss or OS crash of the host the last commits
    /// may be rolled back (the file stays consistent). No disk flush per write.
    /// </summary>
    Normal = 1,

    /// <summary>Every commit is flushed to disk before it is acknowledged: durable against a power loss too, one flush per write.</summary>
    Full = 2,
}
