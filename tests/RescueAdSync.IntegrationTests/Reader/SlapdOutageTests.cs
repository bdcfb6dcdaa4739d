using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>"Cannot read" is never "empty": a stopped slapd must not turn its members into OutOfScope.</summary>
public sealed class SlapdOutageTests
{
    [Fact]
    public async Task A_stopped_slapd_publishes_no_out_of_scope_writes_the_sync_log_and_changes_made_meanwhile_follow_on_recovery()
    {
        await using var slapd = await OwnSlapd.StartAsync();
        var mappingId = Guid.NewGuid();
        const string group = "cn=techs,ou=groups,dc=example,dc=org";
        using (var admin = new LdapAdmin(slapd.Url, OwnSlapd.AdminDn, OwnSlapd.Password))
        {
            admin.Add("uid=fay,ou=people,dc=example,dc=org", ("objectClass", ["inetOrgPerson"]), ("uid", ["fay"]), ("cn", ["Fay Fox"]),
                ("sn", ["Fox"]), ("mail", ["fay@example.org"]));
            admin.Add(group, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", ["uid=fay,ou=people,dc=example,dc=org"]));
        }
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Url], OwnSlapd.AdminDn, OwnSlapd.Password, OwnSlapd.Suffix, PollIntervalSeconds: 1),
            new Mapping(mappingId, group, 7, false, true, DateTimeOffset.UtcNow));
        await using var capture = await UserChangedCapture.StartAsync(ReaderTestEnvironment.AmqpPort);
        await using var reader = await ReaderHost.StartAsync(config, ReaderTestEnvironment.AmqpPort);
        var first = Assert.Single(await capture.WaitForAsync(mappingId, 1));

        await slapd.StopAsync();
        await OpenLdapReaderTests.WaitUntilAsync(() => !config.SyncLog.IsEmpty);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Single(capture.For(mappingId));
        Assert.All(config.SyncLog, entry => Assert.DoesNotContain(OwnSlapd.Password, entry.Message));
        var logged = config.SyncLog.First();
        Assert.Equal((SyncLogLevel.Error, "ad-reader", mappingId, true), (logged.Level, logged.Source, logged.MappingId, logged.WillRetry));

        await slapd.StartAgainAsync();
        using (var admin = new LdapAdmin(slapd.Url, OwnSlapd.AdminDn, OwnSlapd.Password))
        {
            admin.Replace("uid=fay,ou=people,dc=example,dc=org", "mail", "fay.fox@example.org");
        }
        var recovered = (await capture.WaitForAsync(mappingId, 2))[1];
        Assert.Equal((first.DirectoryUserId, UserState.Enabled, "fay.fox@example.org"), (recovered.DirectoryUserId, recovered.State, recovered.Email));
        Assert.True(recovered.Version > first.Version);
    }
}
