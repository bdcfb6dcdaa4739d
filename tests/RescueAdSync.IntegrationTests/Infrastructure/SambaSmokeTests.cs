using System.Diagnostics;
using System.DirectoryServices.Protocols;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Infrastructure;

[Collection(SambaCollection.Name)]
public sealed class SambaSmokeTests(SambaFixture fixture, ITestOutputHelper output)
{
    private SambaDc Dc => fixture.Dc;

    [Fact]
    public async Task Samba_DC_answers_a_bind_and_keeps_what_samba_tool_created_across_a_restart()
    {
        var name = $"smoke{Guid.NewGuid():N}"[..18];
        await Dc.SambaToolAsync("user", "create", name, "Passw0rd!s", "--given-name=Smoke", "--surname=Test",
            $"--mail-address={name}@example.org");
        var dn = FindUserDn(name);
        Assert.NotNull(dn);

        await Dc.StopAsync();
        Assert.False(await Tcp.AcceptsAsync(new Uri(Dc.Url).Host, 389));

        var restart = Stopwatch.StartNew();
        await Dc.StartAgainAsync();
        output.WriteLine($"Samba DC on {Dc.Url} started again in {restart.ElapsedMilliseconds} ms");
        Assert.Equal(dn, FindUserDn(name));
    }

    [Fact]
    public async Task A_second_DC_on_another_address_runs_beside_the_first_and_is_gone_after_dispose()
    {
        var ip = Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_IP2") is { Length: > 0 } ip2 ? ip2 : "127.0.0.2";
        var started = Stopwatch.StartNew();
        var second = await SambaDc.StartAsync(ip);
        output.WriteLine($"Samba DC on {second.Url} provisioned and started in {started.ElapsedMilliseconds} ms");
        try
        {
            using (var ldap = Ldap.Bind(second.Url, second.AdminBindName, second.AdminPassword))
            {
                Assert.NotNull(Ldap.Find(ldap, second.BaseDn, "objectGUID"));
            }

            Assert.NotNull(FindUserDn("Administrator"));
        }
        finally
        {
            await second.DisposeAsync();
        }

        Assert.False(await Tcp.AcceptsAsync(ip, 389));
        Assert.NotNull(FindUserDn("Administrator"));
    }

    private string? FindUserDn(string samAccountName)
    {
        using var ldap = Ldap.Bind(Dc.Url, Dc.AdminBindName, Dc.AdminPassword);
        var response = (SearchResponse)ldap.SendRequest(new SearchRequest(Dc.BaseDn, $"(sAMAccountName={samAccountName})",
            SearchScope.Subtree, "objectGUID"));
        return response.Entries.Count == 1 ? response.Entries[0].DistinguishedName : null;
    }
}
