namespace RescueAdSync.Provisioner.Sync;

/// <summary>A message names a mapping the config service does not know: retrying cannot help.</summary>
public sealed class UnknownMappingException(Guid mappingId)
    : Exception($"Mapping {mappingId} does not exist in the config service.")
{
    public Guid MappingId { get; } = mappingId;
}
