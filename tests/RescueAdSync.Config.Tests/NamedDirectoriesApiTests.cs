using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>Several named directory connections with TLS, CA bundle and status settings.</summary>
public class NamedDirectoriesApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private static DirectoryConnectionSettings Lab(string ca) => new(
        DirectoryKind.OpenLdap, ["ldap://ldap1.lab.example.org", "ldap://ldap2.lab.example.org:10389"], "cn=sync,dc=lab,dc=example,dc=org",
        Samples.BindPassword, "dc=lab,dc=example,dc=org", 3, DirectoryTlsMode.StartTls, ca, AllowInsecureTls: false,
        DisabledAttribute: "pwdAccountLockedTime", ReconcileMinutes: 60);

    [Fact]
    public async Task Named_connection_keeps_every_field_and_serves_the_password_only_to_the_reader()
    {
        var ca = Samples.CaPem();
        var put = await factory.Admin.PutAsJsonAsync("/api/directories/Lab", Lab(ca));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var view = await put.Content.ReadFromJsonAsync<DirectoryConnectionView>();
        Assert.Equal(("lab", DirectoryTlsMode.StartTls, "pwdAccountLockedTime", 60, false, true),
            (view!.Name, view.TlsMode, view.DisabledAttribute, view.ReconcileMinutes, view.AllowInsecureTls, view.BindPasswordSet));
        Assert.Equal(ca.Trim(), view.CaBundlePem?.Trim());
        Assert.DoesNotContain(Samples.BindPassword, await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Names compare case-insensitively; the reader gets everything it needs to connect.
        var settings = await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directories/LAB/credentials");
        Assert.Equal(Lab(ca) with { CaBundlePem = settings!.CaBundlePem, ServerUrls = settings.ServerUrls }, settings);
        Assert.Equal(Lab(ca).ServerUrls, settings.ServerUrls);
        Assert.Equal(ca.Trim(), settings.CaBundlePem?.Trim());
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.GetAsync("/api/directories/lab/credentials")).StatusCode);

        var list = await factory.Reader.GetFromJsonAsync<DirectoryConnectionView[]>("/api/directories");
        Assert.Contains(list!, d => d.Name == "lab");
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync("/api/directories/nowhere")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Reader.GetAsync("/api/directories/nowhere/credentials")).StatusCode);
    }

    [Fact]
    public async Task The_old_directory_endpoint_is_the_connection_named_default()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directory", Samples.Directory())).StatusCode);
        var named = await factory.Admin.GetFromJsonAsync<DirectoryConnectionView>("/api/directories/default");
        Assert.Equal(("default", DirectoryTlsMode.Ldaps), (named!.Name, named.TlsMode));

        var changed = await factory.Admin.PutAsJsonAsync("/api/directories/default", Samples.Directory() with { PollIntervalSeconds = 9, BindPassword = "" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var old = await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directory/credentials");
        Assert.Equal((9, Samples.BindPassword), (old!.PollIntervalSeconds, old.BindPassword));
    }

    [Fact]
    public async Task A_connection_in_use_by_a_mapping_cannot_be_deleted()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directories/used", Lab(Samples.CaPem()))).StatusCode);
        var created = await factory.Admin.PostAsJsonAsync("/api/mappings",
            Samples.Mapping("cn=techs,ou=groups,dc=lab,dc=example,dc=org") with { Directory = "used" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mapping = (await created.Content.ReadFromJsonAsync<Mapping>())!;
        Assert.Equal("used", mapping.Directory);

        var refused = await factory.Admin.DeleteAsync("/api/directories/used");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains(mapping.Id.ToString(), await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin.DeleteAsync($"/api/mappings/{mapping.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin.DeleteAsync("/api/directories/used")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync("/api/directories/used")).StatusCode);
    }

    public static TheoryData<string, string> InvalidSettings => new()
    {
        // body tweak name → the field that must be named in the errors
        { "ldaps-url-without-ldaps-mode", "serverUrls[0]" },
        { "ldap-url-with-ldaps-mode", "serverUrls[0]" },
        { "ca-bundle-not-pem", "caBundlePem" },
        { "ca-bundle-without-tls", "caBundlePem" },
        { "insecure-with-ca-bundle", "allowInsecureTls" },
        { "insecure-without-tls", "allowInsecureTls" },
        { "disabled-attribute-on-ad", "disabledAttribute" },
        { "disabled-attribute-not-a-name", "disabledAttribute" },
        { "reconcile-zero", "reconcileMinutes" },
        { "tls-mode-unknown", "tlsMode" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Invalid_TLS_and_status_settings_are_refused_with_the_field_named(string tweak, string field)
    {
        var ca = Samples.CaPem();
        var lab = Lab(ca);
        var body = tweak switch
        {
            "ldaps-url-without-ldaps-mode" => lab with { ServerUrls = ["ldaps://ldap1.lab.example.org"] },
            "ldap-url-with-ldaps-mode" => lab with { TlsMode = DirectoryTlsMode.Ldaps },
            "ca-bundle-not-pem" => lab with { CaBundlePem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----" },
            "ca-bundle-without-tls" => lab with { TlsMode = DirectoryTlsMode.None },
            "insecure-with-ca-bundle" => lab with { AllowInsecureTls = true },
            "insecure-without-tls" => lab with { TlsMode = DirectoryTlsMode.None, CaBundlePem = null, AllowInsecureTls = true },
            "disabled-attribute-on-ad" => lab with { Kind = DirectoryKind.ActiveDirectory },
            "disabled-attribute-not-a-name" => lab with { DisabledAttribute = "(pwdAccountLockedTime=*)" },
            "reconcile-zero" => lab with { ReconcileMinutes = 0 },
            "tls-mode-unknown" => lab with { TlsMode = (DirectoryTlsMode)7 },
            _ => throw new ArgumentOutOfRangeException(nameof(tweak)),
        };
        var response = await factory.Admin.PutAsJsonAsync("/api/directories/bad", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"{field} missing in {text}");
        Assert.DoesNotContain(Samples.BindPassword, text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync("/api/directories/bad")).StatusCode);
    }

    [Theory]
    [InlineData("under_score")]
    [InlineData("-leading-dash")]
    [InlineData("a-name-that-is-far-too-long-for-a-directory-connection-name-really")]
    public async Task A_bad_connection_name_is_refused(string name)
    {
        var response = await factory.Admin.PutAsJsonAsync($"/api/directories/{name}", Lab(Samples.CaPem()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
    }
}
