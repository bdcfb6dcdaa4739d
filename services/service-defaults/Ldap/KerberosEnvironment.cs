using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.ServiceDefaults.Ldap;

/// <summary>
/// Gives MIT Kerberos (under libldap's SASL GSSAPI bind) the directory connection's identity without kinit: the keytab
/// (mode 0600) and a krb5.conf are written into a private directory (0700), and libkrb5 is pointed at them through the
/// native environment — KRB5_CONFIG, KRB5_CLIENT_KTNAME (MIT's client keytab: GSSAPI gets a ticket-granting ticket from
/// it, and a new one when the cached one has expired) and KRB5CCNAME (a credential cache of this identity's own).
/// The variables are set with libc's setenv: .NET's Environment.SetEnvironmentVariable is not seen by native code.
/// They are process-wide, so every Kerberos bind holds one lock while they point at its identity; the bound connection
/// keeps its security context, and later searches need no lock.
/// </summary>
/// <remarks>
/// krb5.conf, one per connection: the principal's realm, its KDCs the hosts of the connection's server URLs (every
/// Active Directory domain controller is a KDC); no DNS look-up of KDCs or realms and no reverse DNS (rdns = false), so
/// the service ticket is for ldap/&lt;host as written in the URL&gt;.
/// </remarks>
public static class KerberosEnvironment
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Identity> Identities = new(StringComparer.Ordinal);
    private static string? _root;
    private static string? _active;
    private static readonly Dictionary<string, string> CacheByPrincipal = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A keytab file mounted into the container (the services' setting Directory:KeytabFile, environment
    /// Directory__KeytabFile). When set it wins over a keytab stored with the directory connection, so that a platform
    /// secret can be rotated without touching the configuration.
    /// </summary>
    public static string? KeytabFile { get; set; }

    /// <summary>Ticket lifetime asked of the KDC (krb5.conf ticket_lifetime); null: the KDC's own (10 hours on AD).</summary>
    public static TimeSpan? TicketLifetime { get; set; }

    /// <summary>The credential cache file of the principal's latest keytab (its tickets), or null before its first bind.</summary>
    public static string? CredentialCache(string principal)
    {
        lock (Gate)
        {
            return CacheByPrincipal.TryGetValue(principal, out var path) ? path : null;
        }
    }

    /// <summary>The realm of a principal user@REALM, or null when it has none.</summary>
    public static string? RealmOf(string? principal)
    {
        var at = principal?.LastIndexOf('@') ?? -1;
        return at > 0 && at < principal!.Length - 1 ? principal[(at + 1)..] : null;
    }

    /// <summary>
    /// Runs <paramref name="bind"/> with libkrb5 pointed at the connection's principal, keytab and realm. Throws
    /// <see cref="DirectoryConnectionException"/> when the settings cannot give a Kerberos identity.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    /// <param name="serverHost">The host of the server being bound; with a domain (no server URLs) it is the realm's KDC.</param>
    public static void Run(DirectoryConnectionSettings settings, string? serverHost, Action bind)
    {
        var principal = settings.KerberosPrincipal?.Trim();
        var realm = RealmOf(principal) ?? throw new DirectoryConnectionException(
            "The directory connection's Kerberos principal must be user@REALM (e.g. rescue-sync@CORP.EXAMPLE.COM).");
        var keytab = LoadKeytab(settings, principal!);
        // Every Active Directory domain controller is a KDC: the connection's server hosts are its realm's KDCs; with a
        // domain, the domain controller DNS named and this bind is for.
        var kdcs = (settings.ServerUrls ?? [])
            .Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "")
            .Where(host => host.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (kdcs.Count == 0 && !string.IsNullOrEmpty(serverHost))
        {
            kdcs.Add(serverHost);
        }
        lock (Gate)
        {
            var root = Root();
            var key = Convert.ToHexString(SHA256.HashData([.. Encoding.UTF8.GetBytes($"{principal}\n{string.Join(' ', kdcs)}\n"), .. keytab]))[..32];
            if (!Identities.TryGetValue(key, out var identity))
            {
                var directory = Path.Combine(root, key);
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                WritePrivate(Path.Combine(directory, "keytab"), keytab);
                Identities[key] = identity = new Identity(directory);
            }
            var configPath = Path.Combine(identity.Directory, "krb5.conf");
            var rewrite = !identity.ConfigWritten || identity.Lifetime != TicketLifetime;
            if (rewrite)
            {
                WritePrivate(configPath, Encoding.UTF8.GetBytes(Krb5Conf(realm, kdcs)));
                identity.ConfigWritten = true;
                identity.Lifetime = TicketLifetime;
            }
            CacheByPrincipal[principal!] = Path.Combine(identity.Directory, "ccache");
            if (_active != key || rewrite)
            {
                NativeEnvironment.Set("KRB5_CONFIG", configPath);
                NativeEnvironment.Set("KRB5_CLIENT_KTNAME", "FILE:" + Path.Combine(identity.Directory, "keytab"));
                NativeEnvironment.Set("KRB5CCNAME", "FILE:" + Path.Combine(identity.Directory, "ccache"));
                _active = key;
            }
            try
            {
                bind();
            }
            catch (System.DirectoryServices.Protocols.LdapException ex) when (IsExpiredTicket(ex))
            {
                // A cached ticket that expired between MIT's validity check and the server's: start from the keytab again.
                File.Delete(Path.Combine(identity.Directory, "ccache"));
                bind();
            }
        }
    }

    private static bool IsExpiredTicket(System.DirectoryServices.Protocols.LdapException exception) =>
        exception.ServerErrorMessage?.Contains("Ticket expired", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// The principal's keys: from the mounted keytab file when the services have one (Directory:KeytabFile), read again
    /// at every bind so that a rotated secret is used at once; otherwise from the directory connection.
    /// </summary>
    private static byte[] LoadKeytab(DirectoryConnectionSettings settings, string principal)
    {
        byte[] bytes;
        string source;
        if (!string.IsNullOrWhiteSpace(KeytabFile))
        {
            source = $"The keytab file '{KeytabFile}' (Directory:KeytabFile)";
            try
            {
                bytes = File.ReadAllBytes(KeytabFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new DirectoryConnectionException($"{source} cannot be read: {ex.Message}");
            }
        }
        else if (string.IsNullOrWhiteSpace(settings.KeytabBase64))
        {
            throw new DirectoryConnectionException(
                "The directory connection uses Kerberos but has no keytab: give one (adsync directory set --keytab FILE) or mount one and set Directory__KeytabFile.");
        }
        else
        {
            source = "The directory connection's keytab";
            try
            {
                bytes = Convert.FromBase64String(settings.KeytabBase64.Trim());
            }
            catch (FormatException)
            {
                throw new DirectoryConnectionException($"{source} is not base64.");
            }
        }
        try
        {
            return KeytabReader.Only(bytes, principal);
        }
        catch (FormatException ex)
        {
            throw new DirectoryConnectionException($"{source} cannot be used: {ex.Message}");
        }
    }

    /// <summary>One principal, keytab and set of KDCs: a private directory with its keytab, krb5.conf and credential cache.</summary>
    private sealed class Identity(string directory)
    {
        public string Directory { get; } = directory;

        public bool ConfigWritten { get; set; }

        public TimeSpan? Lifetime { get; set; }
    }

    private static string Krb5Conf(string realm, IReadOnlyList<string> kdcs)
    {
        var text = new StringBuilder();
        text.Append("[libdefaults]\n")
            .Append("\tdefault_realm = ").Append(realm).Append('\n')
            .Append("\trdns = false\n")
            .Append("\tdns_canonicalize_hostname = false\n")
            .Append("\tdns_lookup_kdc = false\n")
            .Append("\tdns_lookup_realm = false\n");
        if (TicketLifetime is { } lifetime)
        {
            text.Append("\tticket_lifetime = ").Append((long)Math.Max(1, lifetime.TotalSeconds)).Append("s\n");
        }
        // The block form: MIT's parser does not take "REALM = { kdc = host }" on one line.
        text.Append("[realms]\n\t").Append(realm).Append(" = {\n");
        foreach (var kdc in kdcs)
        {
            text.Append("\t\tkdc = ").Append(kdc).Append('\n');
        }
        text.Append("\t}\n");
        return text.ToString();
    }

    [UnsupportedOSPlatform("windows")]
    private static string Root()
    {
        if (_root is null)
        {
            var root = Directory.CreateTempSubdirectory("adsync-krb5-").FullName;
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // The keytab copies and tickets do not outlive the process (a container's /tmp goes with it anyway).
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            };
            _root = root;
        }
        return _root;
    }

    /// <summary>Writes a file readable by this user only (created 0600 before any byte is written), replacing it atomically.</summary>
    [UnsupportedOSPlatform("windows")]
    private static void WritePrivate(string path, byte[] content)
    {
        var temporary = path + ".new";
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(content);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>libc's setenv: the environment native libraries read (getenv), which .NET's own does not change on Unix.</summary>
    private static class NativeEnvironment
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

        private static readonly Lazy<SetEnv> Function = new(() =>
        {
            var libc = NativeLibrary.Load("libc.so.6");
            return Marshal.GetDelegateForFunctionPointer<SetEnv>(NativeLibrary.GetExport(libc, "setenv"));
        });

        public static void Set(string name, string value)
        {
            if (Function.Value(name, value, 1) != 0)
            {
                throw new DirectoryConnectionException($"The environment variable {name} could not be set for Kerberos.");
            }
            // Child processes and .NET code reading the environment see the same value.
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
