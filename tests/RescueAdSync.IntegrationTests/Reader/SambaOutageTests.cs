using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// "Cannot read" is never "empty", against a real Samba AD DC that is stopped and started again. The DC is a dedicated
/// one on <c>ADSYNC_TEST_SAMBA_IP2</c> (stopping the shared one would break the tests next to it); the class is in the
/// samba collection so it never runs beside the smoke test that uses the same second address.
/// </summary>
[Collection(SambaCollection.Name)]
public sealed class SambaOutageTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static string SecondIp => Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_IP2") is { Length: > 0 } ip ? ip : "127.0.0.2";

    [Fact]
    public async Task A_stopped_Samba_DC_publishes_no_out_of_scope_writes_the_sync_log_and_changes_follow_on_recovery()
    {
        await using var dc = await SambaDc.StartAsync(SecondIp);
        var mappingId = Guid.NewGuid();
        var ou = $"OU=outage,{dc.BaseDn}";
        var group = $"CN=techs,{ou}";
        string User(string name) => $"CN={name},{ou}";
        using (var admin = new LdapAdmin(dc.Url, dc.AdminBindName, dc.AdminPassword))
        {
            admin.Add(ou, ("objectClass", ["organizationalUnit"]));
            foreach (var name in new[] { "olga", "omar" })
            {
                admin.Add(User(name), ("objectClass", ["user"]), ("sAMAccountName", [name]), ("mail", [$"{name}@example.org"]),
                    ("userAccountControl", ["544"]));
            }
            admin.Add(group, ("objectClass", ["group"]), ("sAMAccountName", ["techs-outage"]), ("member", [User("olga"), User("omar")]));
        }
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [dc.Url], dc.AdminBindName, dc.AdminPassword, dc.BaseDn,
                PollIntervalSeconds: 1),
            new Mapping(mappingId, group, 7, false, true, DateTimeOffset.UtcNow));
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);
        // A short back-off cap: the DC comes back within seconds and the test should not wait a minute for the retry.
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker,
            new Dictionary<string, string?> { ["Reader:MaxBackoffSeconds"] = "4" });
        var initial = await capture.WaitForAsync(mappingId, 2, TimeSpan.FromSeconds(60));
        Assert.Equal(["olga@example.org", "omar@example.org"], initial.Select(m => m.Email).Order());
        Assert.All(initial, m => Assert.Equal(UserState.Enabled, m.State));
        Assert.Equal(initial.OrderBy(m => m.Version), initial);

        await dc.StopAsync();
        await OpenLdapReaderTests.WaitUntilAsync(() => !config.SyncLog.IsEmpty, seconds: 60);
        await reader.PollsAsync();

        // The whole membership was unreadable: nobody left, nothing was published.
        Assert.Equal(2, capture.For(mappingId).Count);
        var logged = config.SyncLog.First();
        Assert.Equal((SyncLogLevel.Error, "ad-reader", "bind", mappingId, true),
            (logged.Level, logged.Source, logged.Operation, logged.MappingId, logged.WillRetry));
        Assert.Contains(dc.Url, logged.Message);
        Assert.All(config.SyncLog, entry => Assert.DoesNotContain(dc.AdminPassword, entry.Message));

        await dc.StartAgainAsync();
        using (var admin = new LdapAdmin(dc.Url, dc.AdminBindName, dc.AdminPassword))
        {
            admin.RemoveValue(group, "member", User("omar"));
            admin.Replace(User("olga"), "mail", "olga.o@example.org");
        }
        var after = (await capture.WaitForAsync(mappingId, 4, TimeSpan.FromSeconds(60))).Skip(2).ToList();
        await reader.PollsAsync();

        var olga = initial.Single(m => m.Email == "olga@example.org").DirectoryUserId;
        var omar = initial.Single(m => m.Email == "omar@example.org").DirectoryUserId;
        Assert.Equal([(olga, UserState.Enabled, "olga.o@example.org"), (omar, UserState.OutOfScope, "omar@example.org")],
            after.Select(m => (m.DirectoryUserId, m.State, m.Email)).OrderBy(m => m.Email));
        Assert.True(after.Min(m => m.Version) > initial.Max(m => m.Version));
        Assert.Equal(after.OrderBy(m => m.Version), after);
        Assert.Equal(4, capture.For(mappingId).Count);
    }
}
