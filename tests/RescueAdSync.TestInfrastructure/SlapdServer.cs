namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// A throwaway OpenLDAP server (slapd with memberof, syncprov and accesslog) on a free port, started by
/// deploy/local/slapd.sh, or the one <c>ADSYNC_TEST_SLAPD</c> points at (an ldap:// URL; admin from
/// <c>ADSYNC_TEST_SLAPD_ADMIN_DN</c> / <c>ADSYNC_TEST_SLAPD_ADMIN_PASSWORD</c>).
/// </summary>
public sealed class SlapdServer : IAsyncDisposable
{
    private const string DefaultBaseDn = "dc=example,dc=org";
    private readonly ScriptServer? _server;

    private SlapdServer(string url, string baseDn, string adminDn, string adminPassword, ScriptServer? server)
    {
        Url = url;
        Port = new Uri(url).IsDefaultPort ? 389 : new Uri(url).Port;
        BaseDn = baseDn;
        AdminDn = adminDn;
        AdminPassword = adminPassword;
        _server = server;
    }

    public string Url { get; }
    public int Port { get; }
    public string BaseDn { get; }
    public string AdminDn { get; }
    public string AdminPassword { get; }
    public string PeopleDn => $"ou=people,{BaseDn}";
    public string GroupsDn => $"ou=groups,{BaseDn}";

    public static async Task<SlapdServer> StartAsync(CancellationToken ct = default)
    {
        if (Environment.GetEnvironmentVariable("ADSYNC_TEST_SLAPD") is { Length: > 0 } external)
        {
            var baseDn = Environment.GetEnvironmentVariable("ADSYNC_TEST_SLAPD_BASE_DN") is { Length: > 0 } b ? b : DefaultBaseDn;
            return new SlapdServer(external, baseDn,
                Environment.GetEnvironmentVariable("ADSYNC_TEST_SLAPD_ADMIN_DN") is { Length: > 0 } dn ? dn : $"cn=admin,{baseDn}",
                Environment.GetEnvironmentVariable("ADSYNC_TEST_SLAPD_ADMIN_PASSWORD") ?? "admin", server: null);
        }

        const string password = "admin";
        var port = Ports.GetFree();
        var server = new ScriptServer("slapd.sh", RunDirectories.Create("slapd"),
            [port.ToString(System.Globalization.CultureInfo.InvariantCulture), DefaultBaseDn],
            new Dictionary<string, string?> { ["SLAPD_ADMIN_PASSWORD"] = password });
        try
        {
            await server.StartAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return new SlapdServer($"ldap://127.0.0.1:{port}", DefaultBaseDn, $"cn=admin,{DefaultBaseDn}", password, server);
    }

    /// <summary>Stops the server; its data stays for <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() => Local.StopAsync();

    /// <summary>Starts the stopped server again on the same port with the same data.</summary>
    public Task StartAgainAsync() => Local.StartAsync(CancellationToken.None);

    /// <summary>
    /// Applies <paramref name="ldif"/> (changetype records) to the stopped server's data with slapmodify, which runs no
    /// overlay: a member added to a group this way gets no memberOf from the memberof overlay.
    /// </summary>
    public async Task ModifyOfflineAsync(string ldif)
    {
        var file = Path.Combine(Local.RunDir, $"offline-{Guid.NewGuid():N}.ldif");
        await File.WriteAllTextAsync(file, ldif);
        try
        {
            await Local.RunLockedAsync(["modify", Local.RunDir, BaseDn, file]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private ScriptServer Local => _server ?? throw new NotSupportedException(
        "This slapd comes from ADSYNC_TEST_SLAPD: the tests cannot stop or start it.");
}
