using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.Config.Tests;

/// <summary>The directory preflight (POST /api/directories/{name}/test, and the answer to a save) against real slapd and Samba AD.</summary>
public sealed class DirectoryPreflightTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConfigApiFactory _factory = new();
    private SlapdServer? _slapd;

    private SlapdServer Slapd => _slapd ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _slapd = await SlapdServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_slapd is not null)
        {
            await _slapd.DisposeAsync();
        }
    }

    [Fact]
    public async Task OpenLdap_set_up_as_the_reader_needs_it_passes_every_line_on_save_and_on_test()
    {
        var group = AddGroup("Helpdesk", members: 2);
        var saved = await SaveAsync("good", Slapd.AdminPassword);
        Assert.NotNull(saved.Preflight);
        Assert.Equal(DirectoryCheckStatus.Pass, saved.Preflight.Status);
        await MapAsync("good", group);

        var report = await TestAsync("good");
        Assert.True(report.Status == DirectoryCheckStatus.Pass, Describe(report));
        Assert.All(report.Checks, check => Assert.Null(check.Fix));
        Assert.Equal(["server", "tls", "bind", "base-dn", "context-csn", "accesslog", "mapping"], report.Checks.Select(c => c.Check));
        Assert.Matches(@"^ldap://127\.0\.0\.1:\d+ answered in \d+ ms$", Line(report, "server").Detail);
        Assert.Contains($"dn:{Slapd.AdminDn}", Line(report, "bind").Detail, StringComparison.Ordinal);
        Assert.Contains("on this host", Line(report, "tls").Detail, StringComparison.Ordinal);
        Assert.Contains($"{group} found, 2 direct member(s)", Line(report, "mapping").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_saved_and_answered_with_the_failed_bind_and_its_fix()
    {
        var saved = await SaveAsync("wrong", "not-the-password");
        var report = saved.Preflight ?? throw new InvalidOperationException("The save answered no preflight.");
        Assert.Equal(DirectoryCheckStatus.Fail, report.Status);
        Assert.Equal(DirectoryCheckStatus.Pass, Line(report, "server").Status);
        var bind = Line(report, "bind");
        Assert.Equal(DirectoryCheckStatus.Fail, bind.Status);
        Assert.True(bind.Detail.Contains("The supplied credential is invalid. (LDAP 49)", StringComparison.Ordinal), Describe(report));
        Assert.Contains("--bind-dn", bind.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", Describe(report), StringComparison.Ordinal);
        Assert.DoesNotContain(report.Checks, check => check.Check is "base-dn" or "mapping");

        // Saved despite the failing check: the connection is there to be fixed.
        Assert.Equal(HttpStatusCode.OK, (await _factory.Admin.GetAsync("/api/directories/wrong")).StatusCode);
    }

    [Fact]
    public async Task A_missing_group_a_dead_remote_server_and_plain_LDAP_to_it_each_get_their_line_and_fix()
    {
        var group = AddGroup("Gone", members: 1);
        await SaveAsync("broken", Slapd.AdminPassword);
        var mapping = await MapAsync("broken", group);
        using (var ldap = Bind())
        {
            ldap.SendRequest(new DeleteRequest(group));
        }
        // A second server that is not on this host and cannot be reached (".invalid" never resolves), with TLS None.
        var directory = Directory(Slapd.AdminPassword) with { ServerUrls = [Slapd.Url, "ldap://dc1.invalid"] };
        var put = await _factory.Admin.PutAsJsonAsync("/api/directories/broken", directory);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var atSave = (await put.Content.ReadFromJsonAsync<DirectoryConnectionView>())!.Preflight!;
        Assert.Equal(DirectoryCheckStatus.Warn, Line(atSave, "tls").Status);

        var report = await TestAsync("broken");
        Assert.Equal(DirectoryCheckStatus.Fail, report.Status);
        var servers = report.Checks.Where(c => c.Check == "server").ToList();
        Assert.Equal(DirectoryCheckStatus.Pass, servers[0].Status);
        Assert.Equal(DirectoryCheckStatus.Warn, servers[1].Status);
        Assert.StartsWith("ldap://dc1.invalid did not answer", servers[1].Detail, StringComparison.Ordinal);
        Assert.Contains("firewall", servers[1].Fix, StringComparison.Ordinal);

        var tls = Line(report, "tls");
        Assert.Equal(DirectoryCheckStatus.Warn, tls.Status);
        Assert.Contains("ldap://dc1.invalid", tls.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Slapd.Url, tls.Detail, StringComparison.Ordinal);
        Assert.Contains("ldaps://", tls.Fix, StringComparison.Ordinal);
        Assert.Contains("StartTls", tls.Fix, StringComparison.Ordinal);

        var missing = Line(report, "mapping");
        Assert.Equal(DirectoryCheckStatus.Fail, missing.Status);
        Assert.Contains($"{group} not found", missing.Detail, StringComparison.Ordinal);
        Assert.Contains($"adsync mapping update {mapping}", missing.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Testing_a_directory_that_is_not_set_is_404()
    {
        var response = await _factory.Admin.PostAsync("/api/directories/nowhere/test", content: null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Active_Directory_preflight_names_DirSync_the_identity_and_on_plain_LDAP_to_a_signing_DC_ldaps_or_StartTLS()
    {
        var ip = Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_PREFLIGHT_IP") is { Length: > 0 } set ? set : "127.0.0.47";
        await using var samba = await SambaDc.StartHardenedAsync(ip);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await samba.SambaToolAsync("group", "add", $"Desk {suffix}");
        await samba.SambaToolAsync("user", "create", $"reader{suffix}", "Passw0rd!reader");
        await samba.SambaToolAsync("group", "addmembers", $"Desk {suffix}", $"reader{suffix}");
        var groupDn = $"CN=Desk {suffix},CN=Users,{samba.BaseDn}";
        var ldaps = new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [$"ldaps://{samba.HostName}"], samba.AdminBindName, samba.AdminPassword,
            samba.BaseDn, TlsMode: DirectoryTlsMode.Ldaps, CaBundlePem: samba.CaCertificatePem);

        Assert.Equal(HttpStatusCode.OK, (await _factory.Admin.PutAsJsonAsync("/api/directories/ad", ldaps)).StatusCode);
        await MapAsync("ad", groupDn);
        var good = await TestAsync("ad");
        Assert.True(good.Status == DirectoryCheckStatus.Pass, Describe(good));
        Assert.Equal(["server", "tls", "bind", "base-dn", "dirsync", "mapping"], good.Checks.Select(c => c.Check));
        Assert.Contains("ldaps:// in force", Line(good, "tls").Detail, StringComparison.Ordinal);
        // Samba does not answer Who am I? (Windows does): the account's entry stands in for it.
        Assert.Contains($"CN=Administrator,CN=Users,{samba.BaseDn}", Line(good, "bind").Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("DirSync available: incremental reads cost what changed.", Line(good, "dirsync").Detail);
        Assert.Contains("1 direct member(s)", Line(good, "mapping").Detail, StringComparison.Ordinal);

        // An ordinary account lacks "Replicating Directory Changes": the reader falls back to uSNChanged, and says so.
        var ordinary = ldaps with { BindDn = $"reader{suffix}@{samba.Domain}", BindPassword = "Passw0rd!reader" };
        Assert.Equal(HttpStatusCode.OK, (await _factory.Admin.PutAsJsonAsync("/api/directories/ordinary", ordinary)).StatusCode);
        var fallback = await TestAsync("ordinary");
        Assert.Equal(DirectoryCheckStatus.Warn, fallback.Status);
        var dirsync = Line(fallback, "dirsync");
        Assert.Equal("uSNChanged fallback in use (grant Replicating Directory Changes for faster incremental reads).", dirsync.Detail);
        Assert.Contains("Replicating Directory Changes", dirsync.Fix, StringComparison.Ordinal);
        Assert.Contains($"reader{suffix}", Line(fallback, "bind").Detail, StringComparison.OrdinalIgnoreCase);

        // A domain instead of servers: the domain controllers DNS names are the servers tried, and the "dns" line says so.
        var byDomain = ldaps with { ServerUrls = [], Domain = samba.Domain, DnsServer = ip };
        var domainPut = await _factory.Admin.PutAsJsonAsync("/api/directories/domain", byDomain);
        Assert.True(domainPut.StatusCode == HttpStatusCode.OK, await domainPut.Content.ReadAsStringAsync());
        var discovered = await TestAsync("domain");
        Assert.True(discovered.Status == DirectoryCheckStatus.Pass, Describe(discovered));
        Assert.Equal(["dns", "server", "tls", "bind", "base-dn", "dirsync"], discovered.Checks.Select(c => c.Check));
        Assert.Contains($"1 domain controller(s) for {samba.Domain}", Line(discovered, "dns").Detail, StringComparison.Ordinal);
        Assert.Contains($"ldaps://{samba.HostName}:636 answered", Line(discovered, "server").Detail, StringComparison.OrdinalIgnoreCase);
        var unknownDomain = await _factory.Admin.PutAsJsonAsync("/api/directories/nodomain", byDomain with { Domain = "nowhere.example.org" });
        var noDc = (await unknownDomain.Content.ReadFromJsonAsync<DirectoryConnectionView>())!.Preflight!;
        Assert.Equal(DirectoryCheckStatus.Fail, Line(noDc, "dns").Status);
        Assert.Contains("No domain controller found for nowhere.example.org", Line(noDc, "dns").Detail, StringComparison.Ordinal);
        Assert.Contains("dig SRV", Line(noDc, "dns").Fix, StringComparison.Ordinal);

        // The domain and the keytab: Kerberos signs and seals the session, so plain LDAP passes where a password is refused.
        var keytab = await samba.CreateUserWithKeytabAsync($"svc{suffix}", "Svc-Passw0rd!1", Path.Combine(Path.GetTempPath(), $"adsync-preflight-{suffix}.keytab"));
        try
        {
            var kerberos = byDomain with
            {
                TlsMode = DirectoryTlsMode.None,
                CaBundlePem = null,
                BindDn = "",
                BindPassword = "",
                Auth = DirectoryAuth.Kerberos,
                KerberosPrincipal = $"svc{suffix}@{samba.Realm}",
                KeytabBase64 = Convert.ToBase64String(await File.ReadAllBytesAsync(keytab)),
            };
            var kerberosPut = await _factory.Admin.PutAsJsonAsync("/api/directories/kerberos", kerberos);
            Assert.True(kerberosPut.StatusCode == HttpStatusCode.OK, await kerberosPut.Content.ReadAsStringAsync());
            var signed = (await kerberosPut.Content.ReadFromJsonAsync<DirectoryConnectionView>())!.Preflight!;
            Assert.Equal(DirectoryCheckStatus.Pass, Line(signed, "bind").Status);
            Assert.Contains("Kerberos (SASL GSSAPI) signs and seals", Line(signed, "tls").Detail, StringComparison.Ordinal);
            Assert.Equal(DirectoryCheckStatus.Pass, Line(signed, "tls").Status);
        }
        finally
        {
            File.Delete(keytab);
        }

        // A password bind on plain LDAP is refused by a DC that requires signing; the fail line names what to use.
        var plain = ldaps with { ServerUrls = [samba.Url], TlsMode = DirectoryTlsMode.None, CaBundlePem = null };
        var put = await _factory.Admin.PutAsJsonAsync("/api/directories/plain", plain);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var refused = (await put.Content.ReadFromJsonAsync<DirectoryConnectionView>())!.Preflight!;
        Assert.Equal(DirectoryCheckStatus.Fail, refused.Status);
        var bind = Line(refused, "bind");
        Assert.Equal(DirectoryCheckStatus.Fail, bind.Status);
        Assert.Contains("ldaps://", bind.Detail, StringComparison.Ordinal);
        Assert.Contains("ldaps://", bind.Fix, StringComparison.Ordinal);
        Assert.Contains("StartTls", bind.Fix, StringComparison.Ordinal);
    }

    private static DirectoryCheck Line(DirectoryPreflightReport report, string check) => report.Checks.First(c => c.Check == check);

    private static string Describe(DirectoryPreflightReport report) =>
        string.Join("\n", report.Checks.Select(c => $"{c.Status} {c.Check}: {c.Detail} {c.Fix}"));

    private DirectoryConnectionSettings Directory(string password) =>
        new(DirectoryKind.OpenLdap, [Slapd.Url], Slapd.AdminDn, password, Slapd.BaseDn);

    private async Task<DirectoryConnectionView> SaveAsync(string name, string password)
    {
        var response = await _factory.Admin.PutAsJsonAsync($"/api/directories/{name}", Directory(password));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<DirectoryConnectionView>())!;
    }

    private async Task<DirectoryPreflightReport> TestAsync(string name)
    {
        var response = await _factory.Admin.PostAsync($"/api/directories/{name}/test", content: null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var report = (await response.Content.ReadFromJsonAsync<DirectoryPreflightReport>())!;
        output.WriteLine(Describe(report));
        return report;
    }

    private async Task<Guid> MapAsync(string directory, string groupDn)
    {
        var response = await _factory.Admin.PostAsJsonAsync("/api/mappings", new MappingSettings(groupDn, 42, Directory: directory));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Mapping>())!.Id;
    }

    private LdapConnection Bind()
    {
        var uri = new Uri(Slapd.Url);
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.Port), new NetworkCredential(Slapd.AdminDn, Slapd.AdminPassword), AuthType.Basic)
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.Bind();
        return connection;
    }

    /// <summary>A group in its own OU with <paramref name="members"/> users; returns its DN.</summary>
    private string AddGroup(string name, int members)
    {
        var ou = $"ou=p{Guid.NewGuid():N},{Slapd.BaseDn}";
        using var ldap = Bind();
        ldap.SendRequest(new AddRequest(ou, new DirectoryAttribute("objectClass", "organizationalUnit")));
        var users = Enumerable.Range(1, members).Select(i => $"uid=user{i},{ou}").ToArray();
        foreach (var user in users)
        {
            ldap.SendRequest(new AddRequest(user,
                new DirectoryAttribute("objectClass", "inetOrgPerson"),
                new DirectoryAttribute("cn", user), new DirectoryAttribute("sn", "User"), new DirectoryAttribute("uid", user.Split(',')[0][4..])));
        }
        var group = $"cn={name},{ou}";
        ldap.SendRequest(new AddRequest(group, new DirectoryAttribute("objectClass", "groupOfNames"), new DirectoryAttribute("cn", name),
            new DirectoryAttribute("member", users.Cast<object>().ToArray())));
        return group;
    }
}
