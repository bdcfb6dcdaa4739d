using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// The directory connection and the enabled mappings, as last served by the config service. <paramref name="DisabledMappings"/>
/// are the connection's disabled ones: never read by a cycle, only by a preview that asks for one of them.
/// </summary>
public sealed record ReaderConfiguration(DirectoryConnectionSettings Directory, IReadOnlyList<Mapping> Mappings, IReadOnlyList<Mapping>? DisabledMappings = null);
