using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Decides whether a cycle asks Active Directory's DirSync for the changes, and remembers a refusal: an account without
/// "Replicating Directory Changes" is told once, then the reader polls uSNChanged and asks DirSync again only hourly.
/// </summary>
public sealed class DirSyncChangeFeed(ILogger logger)
{
    private static readonly TimeSpan RetryAfterRefusal = TimeSpan.FromHours(1);
    private DateTimeOffset _refusedUntil = DateTimeOffset.MinValue;

    /// <summary>The changes since <paramref name="cookie"/> and the new cookie, or null to poll uSNChanged instead.</summary>
    public DirSyncChanges? Read(IDirectorySession session, DirectoryConnectionSettings directory, string? cookie, bool enabled, DateTimeOffset now)
    {
        if (!enabled || directory.Kind != DirectoryKind.ActiveDirectory || now < _refusedUntil)
        {
            return null;
        }
        byte[]? bytes = null;
        if (cookie is not null)
        {
            try
            {
                bytes = Convert.FromBase64String(cookie);
            }
            catch (FormatException)
            {
                // A damaged cookie only costs one full DirSync round.
                bytes = null;
            }
        }
        var changes = session.ReadDirSyncChanges(bytes);
        if (changes is null)
        {
            _refusedUntil = now + RetryAfterRefusal;
            logger.DirSyncRefused(ServiceDefaults.Ldap.LdapConnectionFactory.BindIdentity(directory), session.ServerUrl);
        }
        return changes;
    }
}
