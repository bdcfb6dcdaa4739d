namespace RescueAdSync.AdReader.Sync;

/// <summary>Where the reader keeps its per-mapping state.</summary>
public enum ReaderStateStoreKind
{
    /// <summary>In the config service (GET/PUT /api/reader-state/{mappingId}): survives restarts.</summary>
    ConfigService = 0,

    /// <summary>In the process only: a restart reads everything again and cannot see who left meanwhile. Tests and labs.</summary>
    Memory = 1,
}
