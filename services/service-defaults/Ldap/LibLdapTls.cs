using System.DirectoryServices.Protocols;
using System.Reflection;
using System.Runtime.InteropServices;

namespace RescueAdSync.ServiceDefaults.Ldap;

/// <summary>
/// Sets libldap's certificate check (LDAP_OPT_X_TLS_REQUIRE_CERT) on one connection, which System.DirectoryServices.Protocols
/// does not expose on Linux. Per connection, not per process: the LDAPTLS_REQCERT environment variable and ldap.conf's
/// TLS_REQCERT are read once per process by libldap, so they can neither be switched on for one directory nor be relied
/// on to be "demand"; every TLS connection therefore states the check explicitly.
/// </summary>
public static class LibLdapTls
{
    /// <summary>LDAP_OPT_X_TLS_REQUIRE_CERT from ldap.h.</summary>
    private const int RequireCertOption = 0x6006;

    /// <summary>LDAP_OPT_X_TLS_NEVER: no certificate check at all (the connection's allowInsecureTls only).</summary>
    public const int Never = 0;

    /// <summary>LDAP_OPT_X_TLS_DEMAND: a certificate that is missing, untrusted or for another name ends the session.</summary>
    public const int Demand = 2;

    // The names libldap has shipped under: 2.6+ (libldap.so.2), Debian 12's 2.5, older 2.4.
    private static readonly string[] LibraryNames = ["libldap.so.2", "libldap-2.5.so.0", "libldap-2.4.so.2"];

    private static readonly Lazy<SetIntOption?> Setter = new(() => Load<SetIntOption>());

    private static readonly FieldInfo? HandleField =
        typeof(LdapConnection).GetField("_ldapHandle", BindingFlags.Instance | BindingFlags.NonPublic);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetIntOption(IntPtr ld, int option, ref int value);

    /// <summary>
    /// Sets the check on <paramref name="connection"/>; a TLS context created afterwards (StartNewTlsSessionContext) uses it.
    /// Throws when it cannot be set, so that a connection never runs with a check other than the one configured.
    /// </summary>
    public static void SetRequireCertificate(LdapConnection connection, int level) =>
        SetOption(connection, RequireCertOption, level, "the TLS certificate check");

    /// <summary>LDAP_OPT_X_SASL_NOCANON: a SASL bind names the server as the URL does, never by a reverse DNS look-up.</summary>
    internal const int SaslNoCanonOption = 0x610b;

    /// <summary>Sets an integer (or on/off) option of libldap on one connection; throws when it cannot.</summary>
    internal static void SetOption(LdapConnection connection, int option, int value, string what)
    {
        var setter = Setter.Value ?? throw new DirectoryConnectionException($"libldap could not be loaded to set {what}.");
        WithHandle(connection, what, ld =>
        {
            var copy = value;
            return setter(ld, option, ref copy);
        });
    }

    private static void WithHandle(LdapConnection connection, string what, Func<IntPtr, int> set)
    {
        if (HandleField?.GetValue(connection) is not SafeHandle handle || handle.IsInvalid)
        {
            throw new DirectoryConnectionException($"This runtime's LDAP connection exposes no libldap handle: {what} cannot be set.");
        }
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var result = set(handle.DangerousGetHandle());
            if (result != 0)
            {
                throw new DirectoryConnectionException($"libldap refused {what} (LDAP {result}).");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static T? Load<T>() where T : Delegate
    {
        foreach (var name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "ldap_set_option", out var function))
            {
                return Marshal.GetDelegateForFunctionPointer<T>(function);
            }
        }
        return null;
    }
}
