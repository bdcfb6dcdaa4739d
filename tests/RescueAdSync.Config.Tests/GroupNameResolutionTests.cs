using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Config.Directories;
using RescueAdSync.Contracts.Config;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Config.Tests;

/// <summary>A mapping's group given by name is resolved to its DN against the mapping's real directory (slapd, Samba AD).</summary>
public sealed class GroupNameResolutionTests : IAsyncLifetime
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

    private static LdapConnection Bind(string url, string user, string password)
    {
        var uri = new Uri(url);
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 389 : uri.Port),
            new NetworkCredential(user, password), AuthType.Basic)
        { Timeout = TimeSpan.FromSeconds(30) };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.Bind();
        return connection;
    }

    private void AddGroup(LdapConnection connection, string dn, string cn) =>
        connection.SendRequest(new AddRequest(dn,
            new DirectoryAttribute("objectClass", "groupOfNames"),
            new DirectoryAttribute("cn", cn),
            new DirectoryAttribute("member", Slapd.AdminDn)));

    private async Task<HttpResponseMessage> MapByNameAsync(string directory, string name, long technicianGroupId = 42) =>
        await _factory.Admin.PostAsJsonAsync("/api/mappings", new MappingSettings(null, technicianGroupId, SourceGroupName: name, Directory: directory));

    [Fact]
    public async Task OpenLdap_group_names_resolve_to_their_DN_with_clear_errors_for_none_several_and_filter_characters()
    {
        var ou = $"ou=r{Guid.NewGuid():N},{Slapd.BaseDn}";
        using (var ldap = Bind(Slapd.Url, Slapd.AdminDn, Slapd.AdminPassword))
        {
            ldap.SendRequest(new AddRequest(ou, new DirectoryAttribute("objectClass", "organizationalUnit")));
            ldap.SendRequest(new AddRequest($"ou=a,{ou}", new DirectoryAttribute("objectClass", "organizationalUnit")));
            ldap.SendRequest(new AddRequest($"ou=b,{ou}", new DirectoryAttribute("objectClass", "organizationalUnit")));
            AddGroup(ldap, $"cn=Support Team,{ou}", "Support Team");
            AddGroup(ldap, $"cn=Sales \\28EU\\29*,{ou}", "Sales (EU)*");
            AddGroup(ldap, $"cn=Sales,{ou}", "Sales");
            AddGroup(ldap, $"cn=Twin,ou=a,{ou}", "Twin");
            AddGroup(ldap, $"cn=Twin,ou=b,{ou}", "Twin");
        }
        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [Slapd.Url], Slapd.AdminDn, Slapd.AdminPassword, ou);
        Assert.Equal(HttpStatusCode.OK, (await _factory.Admin.PutAsJsonAsync("/api/directories/openldap", directory)).StatusCode);

        var created = await MapByNameAsync("openldap", "support team");
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var mapping = (await created.Content.ReadFromJsonAsync<Mapping>())!;
        Assert.Equal($"cn=Support Team,{ou}", mapping.SourceGroupDn, StringComparer.OrdinalIgnoreCase);

        // "(", ")" and "*" are escaped (RFC 4515): the name matches only itself, not "Sales" by wildcard.
        var special = await MapByNameAsync("openldap", "Sales (EU)*");
        Assert.True(special.StatusCode == HttpStatusCode.Created, await special.Content.ReadAsStringAsync());
        var specialDn = (await special.Content.ReadFromJsonAsync<Mapping>())!.SourceGroupDn;
        Assert.Contains("EU", specialDn, StringComparison.Ordinal);
        Assert.NotEqual($"cn=Sales,{ou}", specialDn, StringComparer.OrdinalIgnoreCase);
        var wildcard = await MapByNameAsync("openldap", "Sal*");
        Assert.Contains("No group named 'Sal*'", await ErrorAsync(wildcard, "sourceGroupName"), StringComparison.Ordinal);

        var ambiguous = await ErrorAsync(await MapByNameAsync("openldap", "Twin"), "sourceGroupName");
        Assert.Contains($"cn=Twin,ou=a,{ou}", ambiguous, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"cn=Twin,ou=b,{ou}", ambiguous, StringComparison.OrdinalIgnoreCase);

        // The update path resolves too; a name given on update replaces the DN.
        var renamed = await _factory.Admin.PutAsJsonAsync($"/api/mappings/{mapping.Id}",
            new MappingSettings(null, 42, SourceGroupName: "Sales", Directory: "openldap"));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal($"cn=Sales,{ou}", (await renamed.Content.ReadFromJsonAsync<Mapping>())!.SourceGroupDn, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_directory_that_cannot_be_reached_is_a_502_and_nothing_is_stored()
    {
        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [Slapd.Url], Slapd.AdminDn, "wrong-password", Slapd.BaseDn);
        Assert.Equal(HttpStatusCode.OK, (await _factory.Admin.PutAsJsonAsync("/api/directories/badbind", directory)).StatusCode);
        var response = await MapByNameAsync("badbind", "anything");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("wrong-password", text, StringComparison.Ordinal);
        Assert.Empty((await _factory.Admin.GetFromJsonAsync<Mapping[]>("/api/mappings"))!);
    }

    [Fact]
    public async Task Active_Directory_group_names_resolve_by_cn_or_sAMAccountName_on_Samba()
    {
        var ip = Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_IP") is { Length: > 0 } set ? set : "127.0.0.1";
        await using var samba = await SambaDc.StartAsync(ip);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await samba.SambaToolAsync("group", "add", $"Help Desk {suffix}");
        var directory = new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [samba.Url], samba.AdminBindName, samba.AdminPassword, samba.BaseDn);
        Assert.Equal(HttpStatusCode.OK, (await _factory.Admin.PutAsJsonAsync("/api/directories/samba", directory)).StatusCode);

        var created = await MapByNameAsync("samba", $"help desk {suffix}");
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal($"CN=Help Desk {suffix},CN=Users,DC=example,DC=org", (await created.Content.ReadFromJsonAsync<Mapping>())!.SourceGroupDn,
            StringComparer.OrdinalIgnoreCase);

        // A user is not a group, even with the same name.
        await samba.SambaToolAsync("user", "create", $"u{suffix}", "Passw0rd!u1");
        Assert.Contains("No group named", await ErrorAsync(await MapByNameAsync("samba", $"u{suffix}"), "sourceGroupName"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Group_look_ups_on_a_domain_controller_that_requires_signing_use_TLS_with_the_readers_certificate_rules()
    {
        var ip = Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_HARDENED_IP") is { Length: > 0 } set ? set : "127.0.0.43";
        await using var samba = await SambaDc.StartHardenedAsync(ip);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await samba.SambaToolAsync("group", "add", $"Signed Desk {suffix}");
        var ldaps = $"ldaps://{samba.HostName}";
        async Task<HttpResponseMessage> MapAsync(string name, DirectoryConnectionSettings directory)
        {
            var stored = await _factory.Admin.PutAsJsonAsync($"/api/directories/{name}", directory);
            Assert.True(stored.StatusCode == HttpStatusCode.OK, await stored.Content.ReadAsStringAsync());
            return await MapByNameAsync(name, $"Signed Desk {suffix}");
        }

        // A password on plain LDAP is refused by the DC; the answer says what to use instead.
        var plain = await MapAsync("plain", new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [samba.Url], samba.AdminBindName, samba.AdminPassword, samba.BaseDn));
        Assert.Equal(HttpStatusCode.BadGateway, plain.StatusCode);
        var plainText = await plain.Content.ReadAsStringAsync();
        Assert.True(plainText.Contains("requires LDAP signing", StringComparison.Ordinal), plainText);
        Assert.Contains("ldaps://", plainText, StringComparison.Ordinal);

        // The DC's certificate comes from Samba's own CA, which the system does not trust: refused, naming the CA setting.
        var untrusted = await MapAsync("untrusted", new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [ldaps], samba.AdminBindName, samba.AdminPassword, samba.BaseDn,
            TlsMode: DirectoryTlsMode.Ldaps));
        Assert.Equal(HttpStatusCode.BadGateway, untrusted.StatusCode);
        Assert.Contains("caBundlePem", await untrusted.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Trusted through the connection's CA bundle, or accepted unchecked only when the connection says so.
        var trusted = await MapAsync("trusted", new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [ldaps], samba.AdminBindName, samba.AdminPassword, samba.BaseDn,
            TlsMode: DirectoryTlsMode.Ldaps, CaBundlePem: samba.CaCertificatePem));
        Assert.True(trusted.StatusCode == HttpStatusCode.Created, await trusted.Content.ReadAsStringAsync());
        var insecure = await MapAsync("insecure", new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [ldaps], samba.AdminBindName, samba.AdminPassword, samba.BaseDn,
            TlsMode: DirectoryTlsMode.Ldaps, AllowInsecureTls: true));
        Assert.True(insecure.StatusCode == HttpStatusCode.Created, await insecure.Content.ReadAsStringAsync());

        // The certificate is for the DC's host name: the same server by its address is another name, refused.
        var wrongName = await MapAsync("wrongname", new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [$"ldaps://{ip}"], samba.AdminBindName, samba.AdminPassword, samba.BaseDn,
            TlsMode: DirectoryTlsMode.Ldaps, CaBundlePem: samba.CaCertificatePem));
        Assert.Equal(HttpStatusCode.BadGateway, wrongName.StatusCode);
    }

    [Fact]
    public async Task Group_look_ups_bind_with_a_Kerberos_keytab_on_plain_ldap_to_a_domain_controller_that_requires_signing()
    {
        var ip = Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_HARDENED_IP") is { Length: > 0 } set ? set : "127.0.0.43";
        await using var samba = await SambaDc.StartHardenedAsync(ip);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await samba.SambaToolAsync("group", "add", $"Kerberos Desk {suffix}");
        var keytab = Path.Combine(Path.GetTempPath(), $"lookup-{suffix}.keytab");
        try
        {
            await samba.CreateUserWithKeytabAsync($"lookup{suffix}", "Svc-Passw0rd!1", keytab);
            var directory = new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [$"ldap://{samba.HostName}"], "", "", samba.BaseDn,
                Auth: DirectoryAuth.Kerberos, KerberosPrincipal: $"lookup{suffix}@{samba.Realm}",
                KeytabBase64: Convert.ToBase64String(await File.ReadAllBytesAsync(keytab)));
            var stored = await _factory.Admin.PutAsJsonAsync("/api/directories/kerberos", directory);
            Assert.True(stored.StatusCode == HttpStatusCode.OK, await stored.Content.ReadAsStringAsync());

            var created = await MapByNameAsync("kerberos", $"kerberos desk {suffix}");
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            Assert.Equal($"CN=Kerberos Desk {suffix},CN=Users,DC=example,DC=org", (await created.Content.ReadFromJsonAsync<Mapping>())!.SourceGroupDn,
                StringComparer.OrdinalIgnoreCase);

            // The keys of an old password: a 502 that says to export a new keytab, and nothing stored.
            await samba.SambaToolAsync("user", "create", $"stale{suffix}", "Svc-Passw0rd!1");
            await samba.SambaToolAsync("domain", "exportkeytab", keytab + ".stale", $"--principal=stale{suffix}@{samba.Realm}");
            await samba.SambaToolAsync("user", "setpassword", $"stale{suffix}", "--newpassword=Svc-Passw0rd!2");
            var stale = directory with
            {
                KerberosPrincipal = $"stale{suffix}@{samba.Realm}",
                KeytabBase64 = Convert.ToBase64String(await File.ReadAllBytesAsync(keytab + ".stale")),
            };
            Assert.Equal(HttpStatusCode.OK, (await _factory.Admin.PutAsJsonAsync("/api/directories/stale", stale)).StatusCode);
            var refused = await MapByNameAsync("stale", $"kerberos desk {suffix}", technicianGroupId: 43);
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(text.Contains("export a new keytab", StringComparison.Ordinal), text);
            Assert.DoesNotContain(stale.KeytabBase64, text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(keytab);
            File.Delete(keytab + ".stale");
        }
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        return errors.GetProperty(field)[0].GetString()!;
    }
}
