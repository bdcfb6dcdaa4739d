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

    /// <summary>
    /// Waits for the second message after a change. The watch opens once the reader leads and may open only after the
    /// change was made; then a later write to an attribute the reader does not map (description) wakes it, and the
    /// cycle reads the change as always. Never the poll: that is ten minutes away.
    /// </summary>
    public static async Task<UserChanged> SecondAsync(UserChangedCapture capture, Guid mappingId, Action<string> poke)
    {
        var deadline = DateTime.UtcNow + Wait;
        for (var round = 1; capture.For(mappingId).Count < 2 && DateTime.UtcNow < deadline; round++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            if (round % 6 == 0)
            {
                poke($"notification poke {round}");
            }
        }
        return (await capture.WaitForAsync(mappingId, 2, TimeSpan.FromSeconds(1)))[1];
    }
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

        admin.Replace(user, "mail", "nora.new@example.org");

        var changed = await ChangeNotification.SecondAsync(capture, mappingId, text => admin.Replace(user, "description", text));
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

        admin.Replace(user, "mail", "nick.new@example.org");

        var changed = await ChangeNotification.SecondAsync(capture, mappingId, text => admin.Replace(user, "description", text));
        Assert.Equal((first.DirectoryUserId, UserState.Enabled, "nick.new@example.org"), (changed.DirectoryUserId, changed.State, changed.Email));
        Assert.True(changed.Version > first.Version);
    }
}
