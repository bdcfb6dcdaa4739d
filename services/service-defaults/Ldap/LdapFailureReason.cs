using System.DirectoryServices.Protocols;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.ServiceDefaults.Ldap;

/// <summary>
/// Turns a failed connect or bind into a sentence an operator can act on. libldap reports a refused TLS handshake as
/// "server unavailable" (81) and keeps the real cause (untrusted issuer, wrong host name) in its diagnostic message.
/// </summary>
public static class LdapFailureReason
{
    /// <summary>libldap's LDAP_SERVER_DOWN / LDAP_CONNECT_ERROR: nothing was exchanged, or the TLS handshake failed.</summary>
    private const int ServerDown = 81;

    private const int ConnectError = 91;

    /// <summary>LDAP_STRONG_AUTH_REQUIRED: the server takes no simple bind on a connection without TLS (LDAP signing required).</summary>
    private const int StrongAuthRequired = 8;

    /// <summary>
    /// Whether a failed connect or bind is libldap's "server unavailable" (81), the one failure worth trying again at
    /// once; a wrong password or a bad URL is not.
    /// </summary>
    public static bool IsServerDown(Exception exception) => exception is LdapException { ErrorCode: ServerDown };

    /// <summary>The failure as a sentence: libldap's or the server's own words, and what to change when we can tell.</summary>
    public static string Describe(string url, Exception exception, DirectoryConnectionSettings settings)
    {
        switch (exception)
        {
            case LdapException ldap:
                return Describe(url, ldap, settings);
            case DirectoryOperationException operation when IsStrongAuthRequired(operation):
                return operation.Message + StrongAuthHint;
            default:
                return exception.Message;
        }
    }

    /// <summary>
    /// A refused bind reaches us as a DirectoryOperationException without a response: System.DirectoryServices.Protocols
    /// keeps only the result code's text, so the text is all there is to recognise it by.
    /// </summary>
    private static bool IsStrongAuthRequired(DirectoryOperationException exception) =>
        exception.Response?.ResultCode == ResultCode.StrongAuthRequired
        || exception.Message.StartsWith("Strong authentication is required", StringComparison.Ordinal);

    private const string StrongAuthHint =
        " (the directory server requires LDAP signing or encryption: a password bind on plain ldap:// is refused; bind with Kerberos (auth Kerberos, a principal and its keytab), or use ldaps:// or tlsMode StartTls)";

    /// <summary>
    /// What to do about a failed Kerberos bind, recognised by MIT Kerberos's words in the SASL GSSAPI diagnostic libldap
    /// returns (e.g. "SASL(-1): generic failure: GSSAPI Error: ... (Preauthentication failed)"); null when none matches.
    /// </summary>
    public static string? KerberosHint(string diagnostic, DirectoryConnectionSettings settings)
    {
        var principal = settings.KerberosPrincipal?.Trim() ?? "";
        var realm = KerberosEnvironment.RealmOf(principal) ?? "";
        bool Says(string text) => diagnostic.Contains(text, StringComparison.OrdinalIgnoreCase);
        if (Says("Clock skew too great"))
        {
            return "Kerberos: this host's clock and the domain controller's differ by more than the allowed skew (5 minutes by default); synchronise this host's clock with the domain's (NTP)";
        }
        if (Says("Preauthentication failed") || Says("Decrypt integrity check failed") || Says("Password incorrect")
            || Says("Key version number for principal in key table is incorrect") || Says("No key table entry found"))
        {
            return $"Kerberos: the keytab's keys are not {principal}'s current keys (its password was changed, or another keytab was exported since — exporting with ktpass sets a new password); export a new keytab and give it";
        }
        if (Says("Password has expired"))
        {
            return $"Kerberos: the password of {principal} has expired; set it to never expire (a service account), set a new one and export a new keytab";
        }
        if (Says("Client's credentials have been revoked"))
        {
            return $"Kerberos: the account of {principal} is disabled, expired or locked out in the directory; enable it";
        }
        if (Says("Client '") && Says("not found in Kerberos database"))
        {
            return $"Kerberos: the domain's KDC knows no principal {principal}; check the principal's spelling and realm (user@{(realm.Length > 0 ? realm : "REALM")}, the realm in capitals) and that the account exists";
        }
        if (Says("Server not found in Kerberos database") || (Says("Server '") && Says("not found in Kerberos database")))
        {
            return "Kerberos: the KDC knows no service principal ldap/<host> for this server URL's host; write the domain controller's own host name in the URL (as registered in the directory, e.g. dc1.corp.example.com), not its IP address or an alias";
        }
        if (Says("Cannot contact any KDC") || Says("Cannot find KDC") || Says("Cannot resolve network address for KDC"))
        {
            return $"Kerberos: no KDC of realm {realm} could be reached at the server URLs' hosts (port 88, TCP and UDP); check that those hosts are the domain's controllers and that a firewall lets Kerberos through";
        }
        if (Says("no mechanism available") || Says("No worthy mechs found"))
        {
            return "Kerberos: libldap offers no GSSAPI mechanism on this host; install libsasl2-modules-gssapi-mit";
        }
        if (Says("GSSAPI") || Says("Kerberos"))
        {
            return $"Kerberos: the bind as {principal} failed; check the principal, the keytab and that the server URL names a domain controller by its host name";
        }
        return null;
    }

    private static string Describe(string url, LdapException exception, DirectoryConnectionSettings settings)
    {
        var reason = $"{exception.Message} (LDAP {exception.ErrorCode})";
        var diagnostic = exception.ServerErrorMessage?.Trim();
        if (!string.IsNullOrEmpty(diagnostic) && !reason.Contains(diagnostic, StringComparison.Ordinal))
        {
            // The diagnostic is libldap's or the server's text, never the bind password.
            reason += $": {diagnostic}";
        }
        if (exception.ErrorCode == StrongAuthRequired)
        {
            reason += StrongAuthHint;
        }
        if (settings.Auth == DirectoryAuth.Kerberos && !string.IsNullOrEmpty(diagnostic) && KerberosHint(diagnostic, settings) is { } hint)
        {
            reason += $" ({hint})";
        }
        var usesTls = url.StartsWith("ldaps://", StringComparison.OrdinalIgnoreCase) || settings.TlsMode == DirectoryTlsMode.StartTls;
        if (usesTls && !settings.AllowInsecureTls && exception.ErrorCode is ServerDown or ConnectError)
        {
            reason += string.IsNullOrWhiteSpace(settings.CaBundlePem)
                ? " (TLS: the server may be down, or its certificate is not trusted by the system CA store or is not issued for this host name; set the directory connection's caBundlePem to the CA that signed it)"
                : " (TLS: the server may be down, or its certificate is not signed by a CA in the directory connection's caBundlePem or is not issued for this host name)";
        }
        return reason;
    }
}
