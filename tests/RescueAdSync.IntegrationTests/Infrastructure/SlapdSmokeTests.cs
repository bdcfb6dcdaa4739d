using System.Diagnostics;
using System.DirectoryServices.Protocols;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Infrastructure;

[Collection(SlapdCollection.Name)]
public sealed class SlapdSmokeTests(SlapdFixture fixture, ITestOutputHelper output)
{
    private SlapdServer Server => fixture.Server;

    [Fact]
    public async Task Slapd_answers_a_bind_maintains_memberOf_and_keeps_its_data_across_a_restart()
    {
        var uid = $"smoke{Guid.NewGuid():N}"[..20];
        var userDn = $"uid={uid},{Server.PeopleDn}";
        var groupDn = $"cn={uid}-group,{Server.GroupsDn}";
        using (var ldap = Ldap.Bind(Server.Url, Server.AdminDn, Server.AdminPassword))
        {
            ldap.SendRequest(new AddRequest(userDn, new DirectoryAttribute("objectClass", "inetOrgPerson"),
                new DirectoryAttribute("uid", uid), new DirectoryAttribute("cn", "Smoke Test"), new DirectoryAttribute("sn", "Test"),
                new DirectoryAttribute("mail", $"{uid}@example.org")));
            ldap.SendRequest(new AddRequest(groupDn, new DirectoryAttribute("objectClass", "groupOfNames"),
                new DirectoryAttribute("cn", $"{uid}-group"), new DirectoryAttribute("member", userDn)));
            var user = Ldap.Find(ldap, userDn, "memberOf", "entryUUID", "entryCSN");
            Assert.NotNull(user);
            Assert.Equal(groupDn, (string)user.Attributes["memberOf"][0], ignoreCase: true);
            Assert.NotNull(user.Attributes["entryUUID"]);
            Assert.NotNull(user.Attributes["entryCSN"]);
        }

        await Server.StopAsync();
        Assert.False(await Tcp.AcceptsAsync("127.0.0.1", Server.Port));
        Assert.ThrowsAny<LdapException>(() => Ldap.Bind(Server.Url, Server.AdminDn, Server.AdminPassword).Dispose());

        var restart = Stopwatch.StartNew();
        await Server.StartAgainAsync();
        output.WriteLine($"slapd on {Server.Url} started again in {restart.ElapsedMilliseconds} ms");
        using (var ldap = Ldap.Bind(Server.Url, Server.AdminDn, Server.AdminPassword))
        {
            Assert.NotNull(Ldap.Find(ldap, userDn));
        }
    }

    [Fact]
    public async Task A_disposed_slapd_is_gone()
    {
        var started = Stopwatch.StartNew();
        var server = await SlapdServer.StartAsync();
        output.WriteLine($"slapd on {server.Url} started in {started.ElapsedMilliseconds} ms");
        using (var ldap = Ldap.Bind(server.Url, server.AdminDn, server.AdminPassword))
        {
            Assert.NotNull(Ldap.Find(ldap, server.GroupsDn));
        }

        await server.DisposeAsync();

        Assert.False(await Tcp.AcceptsAsync("127.0.0.1", server.Port));
    }
}
