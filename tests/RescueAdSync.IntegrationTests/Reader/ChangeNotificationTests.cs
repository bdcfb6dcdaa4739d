using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// Change notifications as a wake-up: with a poll interval of 10 minutes, a change still reaches RabbitMQ within the
/// test's ordinary wait (a minute), because the server's notification starts the next cycle early. The message itself
/// comes from the cycle's own read, as always.
/// </summary>
internal static class ChangeNotification
{
    /// <summary>Far longer than any wait below: a message that arrives did not wait for the poll.</summary>
    public const int LongPollSeconds = 600;

    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
}

[Collection(SambaCollection.Name)]
public sealed class ActiveDirectoryChangeNotificationTests(SambaFixture samba, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task A_change_notification_starts_a_cycle_long_before_the_poll_interval()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var mappingId = Guid.NewGuid();
        var ou = $"OU=w{suffix},{samba.Dc.BaseDn}";
        var group = $"CN=techs{suffix},{ou}";
        var user = $"CN=nora,{ou}";
        using var admin = new LdapAdmin(samba.Dc.Url, samba.Dc.AdminBindName, samba.Dc.AdminPassword);
        admin.Add(ou, ("objectClass", ["organizationalUnit"]));
        admin.Add(user, ("objectClass", ["user"]), ("sAMAccountName", [$"nora{suffix}"]), ("mail", ["nora@example.org"]), ("userAccountControl", ["544"]));
        admin.Add(group, ("objectClass", ["group"]), ("sAMAccountName", [$"techs{suffix}"]), ("member", [user]));
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [samba.Dc.Url], samba.Dc.AdminBindName, samba.Dc.AdminPassword,
                samba.Dc.BaseDn, PollIntervalSeconds: ChangeNotification.LongPollSeconds),
            new Mapping(mappingId, group, 1, false, true, DateTimeOffset.UtcNow));
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        var first = Assert.Single(await capture.WaitForAsync(mappingId, 1, ChangeNotification.Wait));
        // Let the watch open before the change (it starts once this replica leads).
        await Task.Delay(TimeSpan.FromSeconds(3));

        admin.Replace(user, "mail", "nora.new@example.org");

        var changed = (await capture.WaitForAsync(mappingId, 2, ChangeNotification.Wait))[1];
        Assert.Equal((first.DirectoryUserId, UserState.Enabled, "nora.new@example.org"), (changed.DirectoryUserId, changed.State, changed.Email));
        Assert.True(changed.Version > first.Version);
    }
}

[Collection(SlapdCollection.Name)]
public sealed class OpenLdapChangeNotificationTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task A_refresh_and_persist_search_starts_a_cycle_long_before_the_poll_interval()
    {
        var mappingId = Guid.NewGuid();
        var ou = $"ou=w{Guid.NewGuid():N},{slapd.Server.BaseDn}";
        var group = $"cn=techs,{ou}";
        var user = $"uid=nick,{ou}";
        using var admin = new LdapAdmin(slapd.Server.Url, slapd.Server.AdminDn, slapd.Server.AdminPassword);
        admin.Add(ou, ("objectClass", ["organizationalUnit"]));
        admin.Add(user, ("objectClass", ["inetOrgPerson"]), ("uid", ["nick"]), ("cn", ["Nick Note"]), ("sn", ["Note"]), ("mail", ["nick@example.org"]));
        admin.Add(group, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [user]));
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Server.Url], slapd.Server.AdminDn, slapd.Server.AdminPassword,
                slapd.Server.BaseDn, PollIntervalSeconds: ChangeNotification.LongPollSeconds),
            new Mapping(mappingId, group, 1, false, true, DateTimeOffset.UtcNow));
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        var first = Assert.Single(await capture.WaitForAsync(mappingId, 1, ChangeNotification.Wait));
        await Task.Delay(TimeSpan.FromSeconds(3));

        admin.Replace(user, "mail", "nick.new@example.org");

        var changed = (await capture.WaitForAsync(mappingId, 2, ChangeNotification.Wait))[1];
        Assert.Equal((first.DirectoryUserId, UserState.Enabled, "nick.new@example.org"), (changed.DirectoryUserId, changed.State, changed.Email));
        Assert.True(changed.Version > first.Version);
    }
}
