using RescueAdSync.Contracts;

namespace RescueAdSync.AdReader.Sync;

/// <summary>The last state the reader published for one user of one mapping.</summary>
/// <param name="Id">objectGUID / entryUUID.</param>
/// <param name="DistinguishedName">Last seen DN (logs only).</param>
/// <param name="DisplayName">Last published name.</param>
/// <param name="Email">Last published email.</param>
/// <param name="State">Last published state.</param>
/// <param name="Version">Version of the last published message; the next one for this user must be higher.</param>
public sealed record KnownUser(
    string Id,
    string DistinguishedName,
    string DisplayName,
    string Email,
    UserState State,
    long Version)
{
    /// <summary>Still a member as far as the reader knows, so leaving the group must be published.</summary>
    public bool InScope => State is UserState.Enabled or UserState.Disabled;
}
