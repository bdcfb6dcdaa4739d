using System.DirectoryServices.Protocols;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>
/// Turns a failed connect or bind into a sentence an operator can act on. libldap reports a refused TLS handshake as
/// "server unavailable" (81) and keeps the real cause (untrusted issuer, wrong host name) in its diagnostic message.
/// </summary>
internal static class LdapFailureReason
{
    /// <summary>libldap's LDAP_SERVER_DOWN / LDAP_CONNECT_ERROR: nothing was exchanged, or the TLS handshake failed.</summary>
    private const int ServerDown = 81;

    private const int ConnectError = 91;

    /// <summary>
    /// Whether a failed connect or bind is libldap's "server unavailable" (81), the one failure worth trying again at
    /// once; a wrong password or a bad URL is not.
    /// </summary>
    public static bool IsServerDown(Exception exception) => exception is LdapException { ErrorCode: ServerDown };

    public static string Describe(string url, LdapException exception, DirectoryConnectionSettings settings)
    {
        var reason = $"{exception.Message} (LDAP {exception.ErrorCode})";
        var diagnostic = exception.ServerErrorMessage?.Trim();
        if (!string.IsNullOrEmpty(diagnostic) && !reason.Contains(diagnostic, StringComparison.Ordinal))
        {
            // The diagnostic is libldap's or the server's text, never the bind password.
            reason += $": {diagnostic}";
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
