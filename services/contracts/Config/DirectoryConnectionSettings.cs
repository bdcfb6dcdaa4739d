namespace RescueAdSync.Contracts.Config;

/// <summary>The directory connection as submitted by an administrator (PUT /api/directory), and as served to the reader.</summary>
/// <param name="Kind">Active Directory or OpenLDAP.</param>
/// <param name="ServerUrls">ldap:// or ldaps:// URLs, tried in order.</param>
/// <param name="BindDn">Bind identity: a DN or a UPN.</param>
/// <param name="BindPassword">Bind password (secret).</param>
/// <param name="BaseDn">Search base for users.</param>
/// <param name="PollIntervalSeconds">Seconds between two reader cycles.</param>
public sealed record DirectoryConnectionSettings(
    DirectoryKind Kind,
    IReadOnlyList<string> ServerUrls,
    string BindDn,
    string BindPassword,
    string BaseDn,
    int PollIntervalSeconds = 2);
