using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>A directory connection that names an Active Directory domain (domain controllers found in DNS) instead of server URLs.</summary>
public class DirectoryDomainApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private static DirectoryConnectionSettings ByDomain(string? domain = "Corp.Example.com.", string? site = null, string? dnsServer = null) =>
        new(DirectoryKind.ActiveDirectory, [], "adsync@corp.example.com", Samples.BindPassword, "", TlsMode: DirectoryTlsMode.Ldaps,
            Domain: domain, Site: site, DnsServer: dnsServer);

    private async Task<JsonElement> ErrorsAsync(string name, DirectoryConnectionSettings settings)
    {
        var response = await factory.Admin.PutAsJsonAsync($"/api/directories/{name}", settings);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    [Fact]
    public async Task A_domain_alone_is_stored_with_the_domains_base_dn_and_served_to_the_reader_without_server_urls()
    {
        var put = await factory.Admin.PutAsJsonAsync("/api/directories/bydomain", ByDomain(site: "Paris", dnsServer: "192.0.2.53:5353"));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());

        var view = await factory.Reader.GetFromJsonAsync<DirectoryConnectionView>("/api/directories/bydomain");
        Assert.Equal(("corp.example.com", "Paris", "192.0.2.53:5353", "DC=corp,DC=example,DC=com"), (view!.Domain, view.Site, view.DnsServer, view.BaseDn));
        Assert.Empty(view.ServerUrls);
        var settings = await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directories/bydomain/credentials");
        Assert.Equal(("corp.example.com", "Paris", "192.0.2.53:5353", "DC=corp,DC=example,DC=com"), (settings!.Domain, settings.Site, settings.DnsServer, settings.BaseDn));

        // A base DN given with the domain is kept; the system's resolvers are the default name server.
        var given = await factory.Admin.PutAsJsonAsync("/api/directories/bydomain2", ByDomain() with { BaseDn = "OU=Staff,DC=corp,DC=example,DC=com" });
        Assert.True(given.StatusCode == HttpStatusCode.OK, await given.Content.ReadAsStringAsync());
        view = await given.Content.ReadFromJsonAsync<DirectoryConnectionView>();
        Assert.Equal(("OU=Staff,DC=corp,DC=example,DC=com", null), (view!.BaseDn, view.DnsServer));
    }

    [Fact]
    public async Task Switching_a_connection_from_server_urls_to_a_domain_forgets_the_urls()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directories/switch", Samples.Directory())).StatusCode);

        var switched = await factory.Admin.PutAsJsonAsync("/api/directories/switch", ByDomain() with { BindPassword = "" });

        Assert.True(switched.StatusCode == HttpStatusCode.OK, await switched.Content.ReadAsStringAsync());
        var settings = await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directories/switch/credentials");
        Assert.Equal(("corp.example.com", Samples.BindPassword), (settings!.Domain, settings.BindPassword));
        Assert.Empty(settings.ServerUrls);
    }

    [Fact]
    public async Task A_domain_and_server_urls_together_are_refused_naming_server_urls()
    {
        var errors = await ErrorsAsync("both", ByDomain() with { ServerUrls = ["ldaps://dc1.corp.example.com"] });

        Assert.Contains("either a domain or server URLs", errors.GetProperty("serverUrls")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Neither_a_domain_nor_server_urls_is_refused_asking_for_one_of_them()
    {
        var errors = await ErrorsAsync("neither", ByDomain(domain: null) with { BaseDn = "DC=corp,DC=example,DC=com" });

        var message = errors.GetProperty("serverUrls")[0].GetString();
        Assert.Contains("domain", message, StringComparison.Ordinal);
        Assert.Contains("ldap://", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("corp example.com", null, null, "domain")]
    [InlineData("ldap://corp.example.com", null, null, "domain")]
    [InlineData("-corp.example.com", null, null, "domain")]
    [InlineData("corp.example.com", "paris.north", null, "site")]
    [InlineData("corp.example.com", "paris north", null, "site")]
    [InlineData("corp.example.com", null, "dns.corp.example.com", "dnsServer")]
    [InlineData("corp.example.com", null, "192.0.2.53:99999", "dnsServer")]
    [InlineData(null, "paris", null, "site")]
    [InlineData(null, null, "192.0.2.53", "dnsServer")]
    public async Task Bad_domain_site_or_dns_server_is_refused_naming_the_field(string? domain, string? site, string? dnsServer, string field)
    {
        var settings = ByDomain(domain, site, dnsServer);
        if (domain is null)
        {
            settings = settings with { ServerUrls = ["ldaps://dc1.corp.example.com"], BaseDn = "DC=corp,DC=example,DC=com" };
        }

        var errors = await ErrorsAsync("bad", settings);

        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        Assert.Single(errors.EnumerateObject());
    }

    [Fact]
    public async Task A_domain_is_refused_for_OpenLdap_whose_servers_dns_does_not_name()
    {
        var errors = await ErrorsAsync("openldap", ByDomain() with { Kind = DirectoryKind.OpenLdap });

        Assert.Contains("Only for ActiveDirectory", errors.GetProperty("domain")[0].GetString(), StringComparison.Ordinal);
    }
}
