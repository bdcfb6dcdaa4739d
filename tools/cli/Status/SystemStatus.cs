using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Status;

/// <summary>Everything <c>adsync status --json</c> writes; the account and directory are null until set.</summary>
public sealed record SystemStatus(RescueAccountView? Account, DirectoryConnectionView? Directory, IReadOnlyList<MappingStatus> Mappings);
