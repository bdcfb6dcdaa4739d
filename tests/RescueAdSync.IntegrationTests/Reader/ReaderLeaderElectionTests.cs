using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RescueAdSync.AdReader.Leadership;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// Two reader replicas against one real slapd, one RabbitMQ and one (fake) config service holding the lease and the
/// reader state: only the lease holder publishes, and when it stops the other takes over from the stored state.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class ReaderLeaderElectionTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    /// <summary>A short lease so a takeover after a crash would fit in a test; graceful stops release it anyway.</summary>
    private static readonly Dictionary<string, string?> ShortLease = new()
    {
        ["Reader:LeaderElection:LeaseDurationSeconds"] = "4",
        ["Reader:LeaderElection:RenewIntervalSeconds"] = "1",
    };
    private readonly string _ou = $"ou=l{Guid.NewGuid():N},{slapd.Server.BaseDn}";
    private readonly Guid _mappingId = Guid.NewGuid();
    private readonly LdapAdmin _admin = new(slapd.Server.Url, slapd.Server.AdminDn, slapd.Server.AdminPassword);
    private UserChangedCapture? _capture;

    private UserChangedCapture Capture => _capture ?? throw new InvalidOperationException("Not initialised.");

    private string UserDn(string uid) => $"uid={uid},{_ou}";

    public async Task InitializeAsync()
    {
        _admin.Add(_ou, ("objectClass", ["organizationalUnit"]));
        _capture = await UserChangedCapture.StartAsync(rabbit.Broker);
    }

    public async Task DisposeAsync()
    {
        if (_capture is not null)
        {
            await _capture.DisposeAsync();
        }
        _admin.Dispose();
    }

    private static LeaderElector Elector(ReaderHost host) => host.Services.GetRequiredService<LeaderElector>();

    private static async Task<HealthStatus> ReadinessAsync(ReaderHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(check => check.Tags.Contains(ServiceDefaultsExtensions.ReadyTag))).Status;

    [Fact]
    public async Task Only_the_lease_holder_publishes_and_the_follower_takes_over_when_it_stops()
    {
        _admin.Add(UserDn("lea"), ("objectClass", ["inetOrgPerson"]), ("uid", ["lea"]), ("cn", ["Lea Lund"]), ("sn", ["Lund"]),
            ("mail", ["lea@example.org"]));
        _admin.Add($"cn=techs,{_ou}", ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [UserDn("lea")]));
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Server.Url], slapd.Server.AdminDn,
                slapd.Server.AdminPassword, slapd.Server.BaseDn, PollIntervalSeconds: 1),
            new Mapping(_mappingId, $"cn=techs,{_ou}", 42, false, true, DateTimeOffset.UtcNow));
        // The config service's reader state, shared by both replicas as the real one would be.
        var state = new InMemoryReaderStateStore();

        var first = await ReaderHost.StartAsync(config, rabbit.Broker, ShortLease, state);
        ReaderHost? second = null;
        var firstStopped = false;
        try
        {
            var initial = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));
            second = await ReaderHost.StartAsync(config, rabbit.Broker, ShortLease, state);
            await OpenLdapReaderTests.WaitUntilAsync(() => config.LeaseRequests.Any(r => r.Holder == Elector(second).Holder && !r.Granted));

            Assert.Equal((true, false), (Elector(first).IsLeader, Elector(second).IsLeader));
            Assert.Equal(Elector(first).Holder, config.LeaseHolder("ad-reader"));
            // A freshly started host's bus may still be connecting: the follower must become ready (and stay a follower).
            var readyBy = DateTime.UtcNow.AddSeconds(30);
            while (await ReadinessAsync(second) != HealthStatus.Healthy && DateTime.UtcNow < readyBy)
            {
                await Task.Delay(200);
            }
            Assert.Equal(HealthStatus.Healthy, await ReadinessAsync(second));
            Assert.False(Elector(second).IsLeader);

            _admin.Replace(UserDn("lea"), "mail", "lea.lund@example.org");
            var changed = (await Capture.WaitForAsync(_mappingId, 2))[1];
            await first.PollsAsync();
            // Two replicas, one change, one message: the follower read nothing.
            Assert.Equal(2, Capture.For(_mappingId).Count);

            firstStopped = true;
            await first.DisposeAsync();
            await OpenLdapReaderTests.WaitUntilAsync(() => Elector(second).IsLeader);
            _admin.Replace(UserDn("lea"), "mail", "lea@lund.example.org");
            var afterTakeover = await Capture.WaitForAsync(_mappingId, 3);
            await second!.PollsAsync();

            // At-least-once: a leader stopped between the broker's confirm and its state write leaves that change to
            // its successor, which publishes it again with the same version. Here the first one had long saved, so
            // every change arrives exactly once, in version order, the last one from the new leader.
            var messages = Capture.For(_mappingId);
            Assert.Equal(["lea@example.org", "lea.lund@example.org", "lea@lund.example.org"], messages.Select(m => m.Email));
            Assert.All(messages, m => Assert.Equal((initial.DirectoryUserId, UserState.Enabled), (m.DirectoryUserId, m.State)));
            Assert.True(initial.Version < changed.Version && changed.Version < afterTakeover[2].Version);
            Assert.Equal(Elector(second).Holder, config.LeaseHolder("ad-reader"));
        }
        finally
        {
            if (!firstStopped)
            {
                await first.DisposeAsync();
            }
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }
}
