using RescueAdSync.Contracts;

namespace RescueAdSync.Provisioner.Operations;

/// <summary>
/// Which versions a message may still apply. Normally only a newer one than the link's; a forced message (an operator's
/// full resync) also the same one, to repair drift made by hand in Rescue. An older one never: that would undo a newer change.
/// </summary>
public static class ForcedVersions
{
    public static bool IsStale(long appliedVersion, UserChanged change) =>
        change.Force ? appliedVersion > change.Version : appliedVersion >= change.Version;
}
