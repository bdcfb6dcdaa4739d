using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// The hosted reader against the real slapd behind a <see cref="ResettingTcpProxy"/> that resets every other connection:
/// every poll's first bind fails as "server unavailable" (LDAP 81) and its immediate retry works, so the members are
/// published and the sync log stays empty (the CI flake: one such blip became a sync-log error).
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class ReaderServerDownRetryTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task A_bind_blip_cured_by_the_immediate_retry_writes_nothing_to_the_sync_log()
    {
        var ou = $"ou=r{Guid.NewGuid():N},{slapd.Server.BaseDn}";
        var user = $"uid=blip,{ou}";
        var group = $"cn=techs,{ou}";
        using (var admin = new LdapAdmin(slapd.Server.Url, slapd.Server.AdminDn, slapd.Server.AdminPassword))
        {
            admin.Add(ou, ("objectClass", ["organizationalUnit"]));
            admin.Add(user, ("objectClass", ["inetOrgPerson"]), ("uid", ["blip"]), ("cn", ["Bea Blip"]), ("sn", ["Blip"]),
                ("mail", ["bea.blip@example.org"]));
            admin.Add(group, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [user]));
        }
        // Odd connections are reset: each poll's first attempt fails and its retry (the next connection) works.
        await using var proxy = new ResettingTcpProxy("127.0.0.1", slapd.Server.Port, number => number % 2 == 1);
        var mappingId = Guid.NewGuid();
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [$"ldap://127.0.0.1:{proxy.Port}"], slapd.Server.AdminDn,
                slapd.Server.AdminPassword, slapd.Server.BaseDn, PollIntervalSeconds: 1),
            new Mapping(mappingId, group, 7, false, true, DateTimeOffset.UtcNow));
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        // The notification listener binds too, concurrently; without it every connection is the poll's, in order.
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker,
            new Dictionary<string, string?> { ["Reader:ChangeNotifications"] = "false" });

        var message = Assert.Single(await capture.WaitForAsync(mappingId, 1));
        Assert.Equal(("bea.blip@example.org", UserState.Enabled), (message.Email, message.State));
        // Several polls, each with a reset first attempt.
        await OpenLdapReaderTests.WaitUntilAsync(() => proxy.Accepted >= 8, seconds: 60);

        Assert.Empty(config.SyncLog);
    }
}
