using RescueAdSync.Contracts;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>A member of a mapped group as the directory shows it now.</summary>
/// <param name="Id">objectGUID / entryUUID, lower-case hyphenated.</param>
/// <param name="DistinguishedName">For logs only.</param>
/// <param name="DisplayName">Per the name rule.</param>
/// <param name="Email">Per the email rule.</param>
/// <param name="State">Enabled or Disabled.</param>
/// <param name="Version">uSNChanged / version from entryCSN.</param>
public sealed record DirectoryUser(
    string Id,
    string DistinguishedName,
    string DisplayName,
    string Email,
    UserState State,
    long Version);
