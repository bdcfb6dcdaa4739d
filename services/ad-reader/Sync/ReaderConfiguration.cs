using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Sync;

/// <summary>The directory connection and the enabled mappings, as last served by the config service.</summary>
public sealed record ReaderConfiguration(DirectoryConnectionSettings Directory, IReadOnlyList<Mapping> Mappings);
