namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// What the reader knows about one mapping after its last successful cycle. A plain serializable record so that it
/// can be stored outside the process (config service) and a restart publishes only what changed meanwhile.
/// </summary>
/// <param name="MappingId">The mapping.</param>
/// <param name="SourceGroupDn">The group the members were read from (diagnostics).</param>
/// <param name="HighWaterMark">The directory's high-water mark read before the last successful cycle.</param>
/// <param name="Users">Known users by id, including those published as OutOfScope or Deleted.</param>
/// <param name="UpdatedAt">When the cycle finished.</param>
public sealed record MappingState(
    Guid MappingId,
    string SourceGroupDn,
    long HighWaterMark,
    IReadOnlyDictionary<string, KnownUser> Users,
    DateTimeOffset UpdatedAt);
