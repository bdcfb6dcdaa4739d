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
        " (the directory server requires LDAP signing or encryption: a password bind on plain ldap:// is refused; use ldaps:// or tlsMode StartTls)";

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
