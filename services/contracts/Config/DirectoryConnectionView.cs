using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Config;

/// <summary>A directory connection as shown to administrators: the bind password is never returned.</summary>
/// <param name="Kind">Active Directory or OpenLDAP.</param>
/// <param name="ServerUrls">ldap:// or ldaps:// URLs, tried in order.</param>
/// <param name="BindDn">Bind identity: a DN or a UPN.</param>
/// <param name="BindPasswordSet">Whether a bind password is stored (it is never returned).</param>
/// <param name="BaseDn">Search base for users.</param>
/// <param name="PollIntervalSeconds">Seconds between two reader cycles.</param>
/// <param name="UpdatedAt">When the connection was last written.</param>
/// <param name="Name">The connection's name; mappings and readers (Reader:Directory) refer to it.</param>
/// <param name="TlsMode">None, StartTls or Ldaps.</param>
/// <param name="CaBundlePem">The trusted CA certificates (public, so shown); null: the system store.</param>
/// <param name="AllowInsecureTls">Whether server certificates go unverified (labs only).</param>
/// <param name="DisabledAttribute">OpenLDAP: the attribute that marks a disabled account, if any.</param>
/// <param name="ReconcileMinutes">Minutes between two full reads of each mapping.</param>
/// <param name="Domain">The Active Directory domain whose domain controllers are found in DNS; null when server URLs are given.</param>
/// <param name="Site">The Active Directory site whose domain controllers are asked first, if any.</param>
/// <param name="DnsServer">The name server asked for the SRV records; null: the system's resolvers.</param>
/// <param name="Auth">Simple or Kerberos.</param>
/// <param name="KerberosPrincipal">Kerberos: the principal the services bind as.</param>
/// <param name="KeytabSet">Whether a keytab is stored (it is never returned).</param>
/// <param name="Preflight">The answer to a save only: the connection checked as saved (see <see cref="DirectoryPreflightReport"/>).</param>
public sealed record DirectoryConnectionView(
    DirectoryKind Kind,
    IReadOnlyList<string> ServerUrls,
    string BindDn,
    bool BindPasswordSet,
    string BaseDn,
    int PollIntervalSeconds,
    DateTimeOffset UpdatedAt,
    string Name = DirectoryNames.Default,
    DirectoryTlsMode TlsMode = DirectoryTlsMode.None,
    string? CaBundlePem = null,
    bool AllowInsecureTls = false,
    string? DisabledAttribute = null,
    int ReconcileMinutes = 360,
    string? Domain = null,
    string? Site = null,
    string? DnsServer = null,
    DirectoryAuth Auth = DirectoryAuth.Simple,
    string? KerberosPrincipal = null,
    bool KeytabSet = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DirectoryPreflightReport? Preflight = null);
