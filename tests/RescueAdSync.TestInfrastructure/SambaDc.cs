namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// A throwaway Samba Active Directory domain controller (realm EXAMPLE.ORG, domain EXAMPLE) bound to one
/// loopback address, started by deploy/local/samba.sh. AD ports are fixed (389, 88, 135, …), so one DC
/// per address: tests share one through a collection fixture. <c>ADSYNC_TEST_SAMBA</c> (an ldap:// URL)
/// points the tests at a DC that is already running; <c>ADSYNC_TEST_SAMBA_SMB_CONF</c> lets
/// <see cref="SambaToolAsync"/> reach it, when it runs on this machine.
/// </summary>
public sealed class SambaDc : IAsyncDisposable
{
    private const string DefaultPassword = "Passw0rd!1";
    private readonly ScriptServer? _server;
    private readonly string? _smbConf;
    private HostsFileEntry? _hostsEntry;

    private SambaDc(string url, string adminPassword, string? smbConf, ScriptServer? server)
    {
        Url = url;
        AdminPassword = adminPassword;
        _smbConf = smbConf;
        _server = server;
    }

    /// <summary>The DC's DNS host name (dc41.example.org for a hardened DC on 127.0.0.41); null for an external DC.</summary>
    public string? HostName { get; private set; }

    /// <summary>The DC's address: its LDAP, KDC and (hardened) DNS server listen there.</summary>
    public string? Ip { get; private set; }

    /// <summary>The CA that signed the DC's own TLS certificate (Samba makes both on its first start), as PEM.</summary>
    public string CaCertificatePem => File.ReadAllText(Path.Combine(Local.RunDir, "private", "tls", "ca.pem"));

    public string Domain => "example.org";
    public string Realm => "EXAMPLE.ORG";

    public string Url { get; }
    public string BaseDn => "DC=example,DC=org";
    public string AdminBindName => "Administrator@example.org";
    public string AdminPassword { get; }

    /// <summary>
    /// Starts a DC of its own run as enterprises run AD (deploy/local/samba.sh with SAMBA_HARDENED=yes): its DNS
    /// server on <paramref name="ip"/>:53, the KDC, the SPN ldap/&lt;host&gt;, and a simple bind on plain LDAP refused
    /// ("strong authentication required"). Its host name resolves to <paramref name="ip"/> through /etc/hosts for as
    /// long as the DC lives, as the domain's DNS would make it resolve on a member machine (libldap and Kerberos ask
    /// the system resolver).
    /// </summary>
    public static async Task<SambaDc> StartHardenedAsync(string ip, CancellationToken ct = default)
    {
        var password = Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_PASSWORD") is { Length: > 0 } p ? p : DefaultPassword;
        var server = new ScriptServer("samba.sh", RunDirectories.Create("samba-hardened"), [ip],
            new Dictionary<string, string?> { ["SAMBA_ADMIN_PASSWORD"] = password, ["SAMBA_HARDENED"] = "yes" });
        try
        {
            await server.StartAsync(ct);
            var dc = new SambaDc($"ldap://{ip}", password, Path.Combine(server.RunDir, "etc", "smb.conf"), server)
            {
                HostName = (await File.ReadAllTextAsync(Path.Combine(server.RunDir, "host"), ct)).Trim(),
                Ip = ip,
            };
            dc._hostsEntry = HostsFileEntry.Add(ip, dc.HostName);
            return dc;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates a user and exports its keys into a keytab file (<c>samba-tool domain exportkeytab</c>), the way an AD
    /// administrator gives a Linux service its Kerberos identity. Returns the keytab's path.
    /// </summary>
    public async Task<string> CreateUserWithKeytabAsync(string user, string password, string keytabPath)
    {
        await SambaToolAsync("user", "create", user, password);
        await SambaToolAsync("domain", "exportkeytab", keytabPath, $"--principal={user}@{Realm}");
        return keytabPath;
    }

    public static async Task<SambaDc> StartAsync(string ip = "127.0.0.1", CancellationToken ct = default)
    {
        var password = Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_PASSWORD") is { Length: > 0 } p ? p : DefaultPassword;
        if (Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA") is { Length: > 0 } external)
        {
            return new SambaDc(external, password, Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_SMB_CONF"), server: null);
        }

        var server = new ScriptServer("samba.sh", RunDirectories.Create("samba"), [ip],
            new Dictionary<string, string?> { ["SAMBA_ADMIN_PASSWORD"] = password });
        try
        {
            await server.StartAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return new SambaDc($"ldap://{ip}", password, Path.Combine(server.RunDir, "etc", "smb.conf"), server);
    }

    /// <summary>
    /// Runs the local samba-tool against this DC's database (<c>samba-tool &lt;args&gt; -s &lt;smb.conf&gt;</c>),
    /// e.g. <c>SambaToolAsync("user", "create", "alice", "Passw0rd!a")</c>; returns its stdout.
    /// </summary>
    /// <exception cref="InvalidOperationException">samba-tool failed; the message holds its stderr.</exception>
    public Task<string> SambaToolAsync(params string[] args)
    {
        var smbConf = _smbConf ?? throw new NotSupportedException(
            "This DC comes from ADSYNC_TEST_SAMBA without ADSYNC_TEST_SAMBA_SMB_CONF: samba-tool cannot reach it.");
        return ScriptRunner.RunProcessAsync("samba-tool", [.. args, "-s", smbConf], CancellationToken.None,
            timeout: TimeSpan.FromMinutes(2));
    }

    /// <summary>Stops the DC; its database stays for <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() => Local.StopAsync();

    /// <summary>Starts the stopped DC again on the same address with the same database.</summary>
    public Task StartAgainAsync() => Local.StartAsync(CancellationToken.None);

    public ValueTask DisposeAsync()
    {
        _hostsEntry?.Dispose();
        return _server?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private ScriptServer Local => _server ?? throw new NotSupportedException(
        "This DC comes from ADSYNC_TEST_SAMBA: the tests cannot stop or start it.");
}
