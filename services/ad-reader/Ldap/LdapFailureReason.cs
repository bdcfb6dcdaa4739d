using System.DirectoryServices.Protocols;

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

    public static string Describe(string url, LdapException exception, ReaderTlsOptions tls)
    {
        var reason = $"{exception.Message} (LDAP {exception.ErrorCode})";
        var diagnostic = exception.ServerErrorMessage?.Trim();
        if (!string.IsNullOrEmpty(diagnostic) && !reason.Contains(diagnostic, StringComparison.Ordinal))
        {
            // The diagnostic is libldap's or the server's text, never the bind password.
            reason += $": {diagnostic}";
        }
        var usesTls = url.StartsWith("ldaps://", StringComparison.OrdinalIgnoreCase) || tls.StartTls;
        if (usesTls && !tls.AllowInsecure && exception.ErrorCode is ServerDown or ConnectError)
        {
            reason += string.IsNullOrWhiteSpace(tls.CaBundlePath)
                ? " (TLS: the server may be down, or its certificate is not trusted by the system CA store or is not issued for this host name; set Reader:Tls:CaBundlePath to the CA that signed it)"
                : " (TLS: the server may be down, or its certificate is not signed by a CA in Reader:Tls:CaBundlePath or is not issued for this host name)";
        }
        return reason;
    }
}
