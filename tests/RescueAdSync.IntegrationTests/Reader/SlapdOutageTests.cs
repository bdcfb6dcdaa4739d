using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>"Cannot read" is never "empty": a stopped slapd must not turn its members into OutOfScope.</summary>
public sealed class SlapdOutageTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task A_stopped_slapd_publishes_no_out_of_scope_writes_the_sync_log_and_changes_made_meanwhile_follow_on_recovery()
    {
        // A server of its own: stopping the shared one would break the tests next to it.
        await using var slapd = await SlapdServer.StartAsync();
        var mappingId = Guid.NewGuid();
        const string group = "cn=techs,ou=groups,dc=example,dc=org";
        using (var admin = new LdapAdmin(slapd.Url, slapd.AdminDn, slapd.AdminPassword))
        {
            admin.Add("uid=fay,ou=people,dc=example,dc=org", ("objectClass", ["inetOrgPerson"]), ("uid", ["fay"]), ("cn", ["Fay Fox"]),
                ("sn", ["Fox"]), ("mail", ["fay@example.org"]));
            admin.Add(group, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", ["uid=fay,ou=people,dc=example,dc=org"]));
        }
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Url], slapd.AdminDn, slapd.AdminPassword, slapd.BaseDn, PollIntervalSeconds: 1),
            new Mapping(mappingId, group, 7, false, true, DateTimeOffset.UtcNow));
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        var first = Assert.Single(await capture.WaitForAsync(mappingId, 1));

        await slapd.StopAsync();
        await OpenLdapReaderTests.WaitUntilAsync(() => !config.SyncLog.IsEmpty);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Single(capture.For(mappingId));
        Assert.All(config.SyncLog, entry => Assert.DoesNotContain(slapd.AdminPassword, entry.Message));
        var logged = config.SyncLog.First();
        Assert.Equal((SyncLogLevel.Error, "ad-reader", mappingId, true), (logged.Level, logged.Source, logged.MappingId, logged.WillRetry));

        await slapd.StartAgainAsync();
        using (var admin = new LdapAdmin(slapd.Url, slapd.AdminDn, slapd.AdminPassword))
        {
            admin.Replace("uid=fay,ou=people,dc=example,dc=org", "mail", "fay.fox@example.org");
        }
        var recovered = (await capture.WaitForAsync(mappingId, 2))[1];
        Assert.Equal((first.DirectoryUserId, UserState.Enabled, "fay.fox@example.org"), (recovered.DirectoryUserId, recovered.State, recovered.Email));
        Assert.True(recovered.Version > first.Version);
    }
}
