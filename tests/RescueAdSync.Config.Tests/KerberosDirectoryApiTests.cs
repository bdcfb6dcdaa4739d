using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RescueAdSync.Config.Data;
using RescueAdSync.Contracts.Config;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Config.Tests;

/// <summary>Directory connections with auth Kerberos: a principal and a keytab kept like the bind password, and clear 400s.</summary>
public sealed class KerberosDirectoryApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private const string Principal = "rescue-sync@CORP.EXAMPLE.COM";

    private static DirectoryConnectionSettings Kerberos(byte[]? keytab = null) => new(
        DirectoryKind.ActiveDirectory, ["ldap://dc1.corp.example.com", "ldap://dc2.corp.example.com"], "", "", "DC=corp,DC=example,DC=com",
        Auth: DirectoryAuth.Kerberos, KerberosPrincipal: Principal, KeytabBase64: Convert.ToBase64String(keytab ?? TestKeytab.Create(Principal)));

    private async Task<JsonElement> ErrorsAsync(string name, DirectoryConnectionSettings settings)
    {
        var response = await factory.Admin.PutAsJsonAsync($"/api/directories/{name}", settings);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    [Fact]
    public async Task A_keytab_is_stored_encrypted_shown_only_as_set_and_served_to_the_reader_alone()
    {
        var keytab = TestKeytab.Create(Principal, "other@CORP.EXAMPLE.COM");
        var base64 = Convert.ToBase64String(keytab);
        var put = await factory.Admin.PutAsJsonAsync("/api/directories/kerberos", Kerberos(keytab));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var view = (await put.Content.ReadFromJsonAsync<DirectoryConnectionView>())!;
        Assert.Equal((DirectoryAuth.Kerberos, Principal, true, false), (view.Auth, view.KerberosPrincipal, view.KeytabSet, view.BindPasswordSet));
        Assert.DoesNotContain(base64, await factory.Admin.GetStringAsync("/api/directories/kerberos"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.GetAsync("/api/directories/kerberos/credentials")).StatusCode);

        using (var scope = factory.Services.CreateScope())
        {
            var row = await scope.ServiceProvider.GetRequiredService<ConfigDbContext>().DirectoryConnections.SingleAsync(d => d.Name == "kerberos");
            Assert.StartsWith("v1.", row.KeytabEncrypted, StringComparison.Ordinal);
            Assert.DoesNotContain(base64, row.KeytabEncrypted, StringComparison.Ordinal);
        }

        var credentials = await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directories/kerberos/credentials");
        Assert.Equal((DirectoryAuth.Kerberos, Principal, base64, ""), (credentials!.Auth, credentials.KerberosPrincipal, credentials.KeytabBase64, credentials.BindPassword));

        // An update without a keytab keeps the stored one.
        var kept = await factory.Admin.PutAsJsonAsync("/api/directories/kerberos", Kerberos() with { KeytabBase64 = null, PollIntervalSeconds = 7 });
        Assert.True(kept.StatusCode == HttpStatusCode.OK, await kept.Content.ReadAsStringAsync());
        credentials = await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directories/kerberos/credentials");
        Assert.Equal((7, base64), (credentials!.PollIntervalSeconds, credentials.KeytabBase64));

        // Back to Simple: the keytab is forgotten, and a password is required again.
        var simple = Kerberos() with { Auth = DirectoryAuth.Simple, KerberosPrincipal = null, KeytabBase64 = null, BindDn = "CN=sync,DC=corp,DC=example,DC=com" };
        Assert.Equal("Required.", (await ErrorsAsync("kerberos", simple)).GetProperty("bindPassword")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directories/kerberos", simple with { BindPassword = "Bind-Secret-1" })).StatusCode);
        view = (await factory.Admin.GetFromJsonAsync<DirectoryConnectionView>("/api/directories/kerberos"))!;
        Assert.Equal((DirectoryAuth.Simple, null, false, true), (view.Auth, view.KerberosPrincipal, view.KeytabSet, view.BindPasswordSet));
    }

    [Fact]
    public async Task With_a_Kerberos_connection_stored_other_writes_still_succeed_and_its_keytab_never_reaches_the_sync_log()
    {
        var keytab = TestKeytab.Create(Principal);
        var base64 = Convert.ToBase64String(keytab);
        var put = await factory.Admin.PutAsJsonAsync("/api/directories/kerberos-writes", Kerberos(keytab));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());

        var logged = await factory.Reader.PostAsJsonAsync("/api/sync-log", new NewSyncLogEntry(SyncLogLevel.Error, "ad-reader", "bind",
            $"a message that quotes the keytab {base64}"));
        Assert.True(logged.IsSuccessStatusCode, await logged.Content.ReadAsStringAsync());
        Assert.DoesNotContain(base64, await factory.Admin.GetStringAsync("/api/sync-log"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_Kerberos_settings_are_refused_naming_the_field_and_the_problem()
    {
        var noKeytab = await ErrorsAsync("k-nokeytab", Kerberos() with { KeytabBase64 = null });
        Assert.Contains("Required with auth Kerberos", noKeytab.GetProperty("keytabBase64")[0].GetString(), StringComparison.Ordinal);

        var noPrincipal = await ErrorsAsync("k-noprincipal", Kerberos() with { KerberosPrincipal = null });
        Assert.Contains("user@REALM", noPrincipal.GetProperty("kerberosPrincipal")[0].GetString(), StringComparison.Ordinal);
        foreach (var bad in new[] { "rescue-sync", "rescue-sync@corp.example.com", "@CORP.EXAMPLE.COM", "a b@CORP.EXAMPLE.COM" })
        {
            var errors = await ErrorsAsync("k-badprincipal", Kerberos() with { KerberosPrincipal = bad });
            Assert.Contains("user@REALM", errors.GetProperty("kerberosPrincipal")[0].GetString(), StringComparison.Ordinal);
        }

        var notBase64 = await ErrorsAsync("k-notbase64", Kerberos() with { KeytabBase64 = "not base64!" });
        Assert.Contains("base64", notBase64.GetProperty("keytabBase64")[0].GetString(), StringComparison.Ordinal);

        var notKeytab = await ErrorsAsync("k-notkeytab", Kerberos() with { KeytabBase64 = Convert.ToBase64String("-----BEGIN CERTIFICATE-----"u8.ToArray()) });
        Assert.Contains("0x05 0x02", notKeytab.GetProperty("keytabBase64")[0].GetString(), StringComparison.Ordinal);

        var truncated = TestKeytab.Create(Principal)[..20];
        Assert.Contains("truncated", (await ErrorsAsync("k-truncated", Kerberos(truncated))).GetProperty("keytabBase64")[0].GetString(), StringComparison.Ordinal);

        var oversized = new byte[70_000];
        oversized[0] = 0x05;
        oversized[1] = 0x02;
        Assert.Contains("at most 65536 bytes", (await ErrorsAsync("k-oversized", Kerberos(oversized))).GetProperty("keytabBase64")[0].GetString(), StringComparison.Ordinal);

        var otherPrincipal = await ErrorsAsync("k-other", Kerberos(TestKeytab.Create("someone@CORP.EXAMPLE.COM")));
        Assert.Contains("holds no key of rescue-sync@CORP.EXAMPLE.COM", otherPrincipal.GetProperty("keytabBase64")[0].GetString(), StringComparison.Ordinal);

        var password = await ErrorsAsync("k-password", Kerberos() with { BindPassword = "Bind-Secret-1" });
        Assert.Contains("no directory password is stored", password.GetProperty("bindPassword")[0].GetString(), StringComparison.Ordinal);

        var tls = await ErrorsAsync("k-tls", Kerberos() with { ServerUrls = ["ldaps://dc1.corp.example.com"], TlsMode = DirectoryTlsMode.Ldaps });
        Assert.Contains("tlsMode None", tls.GetProperty("tlsMode")[0].GetString(), StringComparison.Ordinal);

        var ip = await ErrorsAsync("k-ip", Kerberos() with { ServerUrls = ["ldap://10.0.0.5"] });
        Assert.Contains("host name", ip.GetProperty("serverUrls[0]")[0].GetString(), StringComparison.Ordinal);

        var simpleWithKeytab = await ErrorsAsync("k-simple", Kerberos() with { Auth = DirectoryAuth.Simple, BindDn = "CN=x,DC=corp", BindPassword = "pw" });
        Assert.Contains("auth Kerberos", simpleWithKeytab.GetProperty("auth")[0].GetString(), StringComparison.Ordinal);

        Assert.DoesNotContain((await factory.Admin.GetFromJsonAsync<DirectoryConnectionView[]>("/api/directories"))!, d => d.Name.StartsWith("k-", StringComparison.Ordinal));
    }
}
