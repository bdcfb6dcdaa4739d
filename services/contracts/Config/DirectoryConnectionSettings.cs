namespace RescueAdSync.Contracts.Config;

/// <summary>
/// A directory connection as submitted by an administrator (PUT /api/directories/{name}, or PUT /api/directory for the
/// connection named "default"), and as served to the reader (GET /api/directories/{name}/credentials).
/// </summary>
/// <param name="Kind">Active Directory or OpenLDAP.</param>
/// <param name="ServerUrls">ldap:// or ldaps:// URLs, tried in order; empty when <paramref name="Domain"/> is set.</param>
/// <param name="BindDn">Bind identity for a Simple bind: a DN or a UPN (empty for Kerberos).</param>
/// <param name="BindPassword">Bind password for a Simple bind (secret; empty for Kerberos).</param>
/// <param name="BaseDn">Search base for users; with a domain, empty means the domain's own (DC=corp,DC=example,DC=com).</param>
/// <param name="PollIntervalSeconds">Seconds between two reader cycles.</param>
/// <param name="TlsMode">None, StartTls or Ldaps; must agree with the URLs' scheme (ldaps:// for Ldaps, ldap:// otherwise).</param>
/// <param name="CaBundlePem">PEM CA certificates that may sign the servers' certificates; the system store when null.</param>
/// <param name="AllowInsecureTls">Accept any server certificate (labs only; the reader logs a warning at every connect).</param>
/// <param name="DisabledAttribute">
/// OpenLDAP only: an attribute whose presence (with any value but FALSE) marks an account disabled, e.g.
/// pwdAccountLockedTime. Null: every OpenLDAP member is Enabled.
/// </param>
/// <param name="ReconcileMinutes">Minutes between two full reads of each mapping's membership (default 360).</param>
/// <param name="Domain">
/// Active Directory DNS domain (corp.example.com) whose domain controllers are found through DNS SRV records, instead of
/// <paramref name="ServerUrls"/>. A connection has either a domain or server URLs.
/// </param>
/// <param name="Site">With a domain: the Active Directory site whose domain controllers are asked first.</param>
/// <param name="DnsServer">With a domain: the name server asked for the SRV records (IP, optional :port); null: the system's resolvers.</param>
/// <param name="Auth">Simple (bind DN and password) or Kerberos (principal and keytab).</param>
/// <param name="KerberosPrincipal">Kerberos: the service's principal, user@REALM (e.g. rescue-sync@CORP.EXAMPLE.COM).</param>
/// <param name="KeytabBase64">
/// Kerberos: the principal's keytab file (MIT format, as exported by ktpass or samba-tool), base64 (secret). Empty on an
/// update keeps the stored one.
/// </param>
public sealed record DirectoryConnectionSettings(
    DirectoryKind Kind,
    IReadOnlyList<string> ServerUrls,
    string BindDn,
    string BindPassword,
    string BaseDn,
    int PollIntervalSeconds = 2,
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
    string? KeytabBase64 = null);
