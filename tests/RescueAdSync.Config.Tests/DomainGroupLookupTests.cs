using System.Net;
using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// Group names of a connection given by its domain are looked up at the domain controllers DNS names, as the reader
/// finds them: against a hardened Samba DC with its own DNS server (<c>ADSYNC_TEST_SAMBA_DOMAIN_IP2</c>, default 127.0.0.45).
/// </summary>
public sealed class DomainGroupLookupTests : IAsyncLifetime
{
    private readonly ConfigApiFactory _factory = new();
    private SambaDc? _samba;

    private static string Ip => Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_DOMAIN_IP2") is { Length: > 0 } ip ? ip : "127.0.0.45";

    private SambaDc Samba => _samba ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _samba = await SambaDc.StartHardenedAsync(Ip);

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_samba is not null)
        {
            await _samba.DisposeAsync();
        }
    }

    private async Task<HttpResponseMessage> MapAsync(string directory, string domain, string groupName)
    {
        var settings = new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [], Samba.AdminBindName, Samba.AdminPassword, "",
            TlsMode: DirectoryTlsMode.Ldaps, CaBundlePem: Samba.CaCertificatePem, Domain: domain, DnsServer: Ip);
        var stored = await _factory.Admin.PutAsJsonAsync($"/api/directories/{directory}", settings);
        Assert.True(stored.StatusCode == HttpStatusCode.OK, await stored.Content.ReadAsStringAsync());
        return await _factory.Admin.PostAsJsonAsync("/api/mappings", new MappingSettings(null, 42, SourceGroupName: groupName, Directory: directory));
    }

    [Fact]
    public async Task A_group_name_resolves_at_the_domain_controller_found_in_dns_over_ldaps()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await Samba.SambaToolAsync("group", "add", $"Domain Desk {suffix}");

        var created = await MapAsync("corp", Samba.Domain, $"Domain Desk {suffix}");

        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal($"CN=Domain Desk {suffix},CN=Users,{Samba.BaseDn}", (await created.Content.ReadFromJsonAsync<Mapping>())!.SourceGroupDn,
            StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_domain_without_domain_controllers_in_dns_is_a_502_naming_the_domain_and_the_name_server_asked()
    {
        var response = await MapAsync("nowhere", $"nowhere.{Samba.Domain}", "Anything");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Contains($"No domain controller found for nowhere.{Samba.Domain} in DNS (asked {Ip}:53)", StringComparison.Ordinal), text);
        Assert.DoesNotContain(Samba.AdminPassword, text, StringComparison.Ordinal);
    }
}
