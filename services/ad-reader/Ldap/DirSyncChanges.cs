namespace RescueAdSync.AdReader.Ldap;

/// <summary>What one DirSync round (LDAP_SERVER_DIRSYNC_OID, 1.2.840.113556.1.4.841) reported since the cookie it was given.</summary>
/// <param name="ChangedIds">objectGUIDs of users with a change to a watched attribute (or a move or rename).</param>
/// <param name="DeletedIds">objectGUIDs of users deleted since the cookie.</param>
/// <param name="Cookie">The DC's cookie after this round: the next round reports only what changed after it.</param>
public sealed record DirSyncChanges(IReadOnlyCollection<string> ChangedIds, IReadOnlyCollection<string> DeletedIds, byte[] Cookie);
