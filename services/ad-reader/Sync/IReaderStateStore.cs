namespace RescueAdSync.AdReader.Sync;

/// <summary>Where <see cref="MappingState"/> lives between cycles and across restarts.</summary>
public interface IReaderStateStore
{
    Task<MappingState?> LoadAsync(Guid mappingId, CancellationToken cancellationToken);

    /// <summary>Called only after every message of the cycle was confirmed by the broker.</summary>
    Task SaveAsync(MappingState state, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets anything cached: called when this process becomes leader again, because another leader may have
    /// written in between.
    /// </summary>
    void Invalidate()
    {
    }
}
