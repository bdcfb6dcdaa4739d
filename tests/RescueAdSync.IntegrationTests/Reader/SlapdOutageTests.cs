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
        await reader.PollsAsync();

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

    /// <summary>
    /// The memberof overlay writes a member's memberOf in an operation of its own after the group's write: a slapd stopped
    /// between the two keeps the group's new member value and never writes the memberOf, and the administrator's retry
    /// finds the value in place. Reproduced exactly by adding the value offline (slapmodify runs no overlay).
    /// </summary>
    [Fact]
    public async Task A_member_the_group_lists_without_memberOf_after_a_slapd_stop_is_synced_and_stays_in_scope_when_changed()
    {
        await using var slapd = await SlapdServer.StartAsync();
        var mappingId = Guid.NewGuid();
        const string group = "cn=techs,ou=groups,dc=example,dc=org";
        const string fay = "uid=fay,ou=people,dc=example,dc=org";
        const string gus = "uid=gus,ou=people,dc=example,dc=org";
        using (var admin = new LdapAdmin(slapd.Url, slapd.AdminDn, slapd.AdminPassword))
        {
            admin.Add(fay, ("objectClass", ["inetOrgPerson"]), ("uid", ["fay"]), ("cn", ["Fay Fox"]), ("sn", ["Fox"]), ("mail", ["fay@example.org"]));
            admin.Add(group, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [fay]));
            // Created before it joins, as the administrator does: its own entry is not written again when it joins.
            admin.Add(gus, ("objectClass", ["inetOrgPerson"]), ("uid", ["gus"]), ("cn", ["Gus Gray"]), ("sn", ["Gray"]), ("mail", ["gus@example.org"]));
        }
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Url], slapd.AdminDn, slapd.AdminPassword, slapd.BaseDn, PollIntervalSeconds: 1),
            new Mapping(mappingId, group, 7, false, true, DateTimeOffset.UtcNow));
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        Assert.Equal("fay@example.org", Assert.Single(await capture.WaitForAsync(mappingId, 1)).Email);

        await slapd.StopAsync();
        await slapd.ModifyOfflineAsync($"dn: {group}\nchangetype: modify\nadd: member\nmember: {gus}\n-\n");
        await slapd.StartAgainAsync();
        using (var connection = Ldap.Bind(slapd.Url, slapd.AdminDn, slapd.AdminPassword))
        {
            // The state under test: listed by the group, no memberOf on the member.
            Assert.Contains(gus, Ldap.Find(connection, group, "member")!.Attributes["member"].GetValues(typeof(string)).Cast<string>());
            Assert.Null(Ldap.Find(connection, gus, "memberOf")!.Attributes["memberOf"]);
        }
        using (var admin = new LdapAdmin(slapd.Url, slapd.AdminDn, slapd.AdminPassword))
        {
            // Any later write, as the rest of a stream of changes: the group is newer than the reader's mark, so it reads in full.
            admin.Replace(fay, "mail", "fay.fox@example.org");
        }
        // The reader backs off while slapd is down (doubling from the poll interval): allow for a slow restart.
        await OpenLdapReaderTests.WaitUntilAsync(() => capture.For(mappingId).Any(m => m.Email == "gus@example.org"), seconds: 60);
        var joined = capture.For(mappingId).Single(m => m.Email == "gus@example.org");
        Assert.Equal(UserState.Enabled, joined.State);

        // Its next change is read incrementally: the entry still has no memberOf, yet the group lists it, so it stays in scope.
        using (var admin = new LdapAdmin(slapd.Url, slapd.AdminDn, slapd.AdminPassword))
        {
            admin.Replace(gus, "mail", "gus.gray@example.org");
        }
        await OpenLdapReaderTests.WaitUntilAsync(() => capture.For(mappingId).Any(m => m.DirectoryUserId == joined.DirectoryUserId && m.Version > joined.Version),
            seconds: 30);
        var changed = capture.For(mappingId).Single(m => m.DirectoryUserId == joined.DirectoryUserId && m.Version > joined.Version);
        Assert.Equal((UserState.Enabled, "gus.gray@example.org"), (changed.State, changed.Email));
        Assert.All(capture.For(mappingId), message => Assert.Equal(UserState.Enabled, message.State));
    }
}
