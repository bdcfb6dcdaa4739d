using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// The reader started before any provisioner ever ran on its broker: nothing is bound to the UserChanged exchange yet, so
/// a plain publish would be confirmed and dropped. Published as mandatory, it fails; the reader keeps the changes and
/// publishes them once something is bound.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class UnroutedPublishTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Changes_read_before_any_queue_is_bound_are_published_once_one_is_and_none_is_dropped()
    {
        var ou = $"ou=r{Guid.NewGuid():N},{slapd.Server.BaseDn}";
        var group = $"cn=techs,{ou}";
        using (var admin = new LdapAdmin(slapd.Server.Url, slapd.Server.AdminDn, slapd.Server.AdminPassword))
        {
            admin.Add(ou, ("objectClass", ["organizationalUnit"]));
            foreach (var name in new[] { "early", "bird" })
            {
                admin.Add($"uid={name},{ou}", ("objectClass", ["inetOrgPerson"]), ("uid", [name]), ("cn", [$"Eve {name}"]), ("sn", [name]),
                    ("mail", [$"{name}@example.org"]));
            }
            admin.Add(group, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [$"uid=early,{ou}", $"uid=bird,{ou}"]));
        }
        var vhost = $"unrouted-{Guid.NewGuid():N}";
        await rabbit.Broker.CreateVirtualHostAsync(vhost);
        var mappingId = Guid.NewGuid();
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Server.Url], slapd.Server.AdminDn,
                slapd.Server.AdminPassword, slapd.Server.BaseDn, PollIntervalSeconds: 1),
            new Mapping(mappingId, group, 7, false, true, DateTimeOffset.UtcNow));
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker,
            new Dictionary<string, string?> { ["RabbitMq:VirtualHost"] = vhost, ["Reader:ChangeNotifications"] = "false" });

        // Polls end with the publish refused: the sync log says so and the changes are kept for the next poll.
        await reader.PollsAsync(2);
        Assert.Contains(config.SyncLog, e => e.Level == SyncLogLevel.Error && e.Message.Contains("publish", StringComparison.OrdinalIgnoreCase));

        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker, vhost);
        var published = await capture.WaitForAsync(mappingId, 2, TimeSpan.FromSeconds(60));
        Assert.Equal(["bird@example.org", "early@example.org"], published.Select(m => m.Email).Order());
    }
}
