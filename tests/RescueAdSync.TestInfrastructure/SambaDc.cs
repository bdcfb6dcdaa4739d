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

    private SambaDc(string url, string adminPassword, string? smbConf, ScriptServer? server)
    {
        Url = url;
        AdminPassword = adminPassword;
        _smbConf = smbConf;
        _server = server;
    }

    public string Url { get; }
    public string BaseDn => "DC=example,DC=org";
    public string AdminBindName => "Administrator@example.org";
    public string AdminPassword { get; }

    public static async Task<SambaDc> StartAsync(string ip = "127.0.0.1", CancellationToken ct = default)
    {
        var password = Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_PASSWORD") is { Length: > 0 } p ? p : DefaultPassword;
        if (Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA") is { Length: > 0 } external)
            return new SambaDc(external, password, Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_SMB_CONF"), server: null);

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

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private ScriptServer Local => _server ?? throw new NotSupportedException(
        "This DC comes from ADSYNC_TEST_SAMBA: the tests cannot stop or start it.");
}
