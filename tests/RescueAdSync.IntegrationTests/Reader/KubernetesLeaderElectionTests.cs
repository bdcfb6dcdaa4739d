using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RescueAdSync.AdReader.Leadership;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// Leader election through a Kubernetes Lease. No Kubernetes API server can run here (see <see cref="FakeKubernetesApi"/>),
/// so the Lease endpoints are served by an in-process HTTP server with the API server's rules (resourceVersion conflicts,
/// 404, 401); the readers, slapd and RabbitMQ are real.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class KubernetesLeaderElectionTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private const string Namespace = "adsync";
    private readonly string _ou = $"ou=k{Guid.NewGuid():N},{slapd.Server.BaseDn}";
    private readonly Guid _mappingId = Guid.NewGuid();
    private readonly string _tokenFile = Path.GetTempFileName();
    private FakeKubernetesApi? _apiServer;

    private FakeKubernetesApi Api => _apiServer ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        _apiServer = await FakeKubernetesApi.StartAsync();
        await File.WriteAllTextAsync(_tokenFile, Api.Token + "\n");
    }

    public async Task DisposeAsync()
    {
        if (_apiServer is not null)
        {
            await _apiServer.DisposeAsync();
        }
        File.Delete(_tokenFile);
    }

    private Dictionary<string, string?> KubernetesMode(string leaseName) => new()
    {
        ["Reader:LeaderElection:Mode"] = "Kubernetes",
        ["Reader:LeaderElection:LeaseName"] = leaseName,
        ["Reader:LeaderElection:LeaseDurationSeconds"] = "4",
        ["Reader:LeaderElection:RenewIntervalSeconds"] = "1",
        ["Reader:LeaderElection:Kubernetes:ApiUrl"] = Api.Url,
        ["Reader:LeaderElection:Kubernetes:Namespace"] = Namespace,
        ["Reader:LeaderElection:Kubernetes:TokenPath"] = _tokenFile,
    };

    private KubernetesLeaseStore Store(string? tokenFile = null) =>
        new(new HttpClient(), new KubernetesApiSettings(new Uri(Api.Url + "/"), Namespace, tokenFile ?? _tokenFile), TimeProvider.System,
            NullLogger<KubernetesLeaseStore>.Instance);

    private static LeaderElector Elector(ReaderHost host) => host.Services.GetRequiredService<LeaderElector>();

    [Fact]
    public async Task Only_the_holder_of_the_Kubernetes_lease_publishes_and_the_follower_takes_over_when_it_stops()
    {
        using var admin = new LdapAdmin(slapd.Server.Url, slapd.Server.AdminDn, slapd.Server.AdminPassword);
        admin.Add(_ou, ("objectClass", ["organizationalUnit"]));
        admin.Add($"uid=kai,{_ou}", ("objectClass", ["inetOrgPerson"]), ("uid", ["kai"]), ("cn", ["Kai Kube"]), ("sn", ["Kube"]),
            ("mail", ["kai@example.org"]));
        admin.Add($"cn=techs,{_ou}", ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [$"uid=kai,{_ou}"]));
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Server.Url], slapd.Server.AdminDn, slapd.Server.AdminPassword,
                slapd.Server.BaseDn, PollIntervalSeconds: 1),
            new Mapping(_mappingId, $"cn=techs,{_ou}", 42, false, true, DateTimeOffset.UtcNow));
        var state = new AdReader.Sync.InMemoryReaderStateStore();
        var settings = KubernetesMode("ad-reader-k8s");
        await using var capture = await UserChangedCapture.StartAsync(rabbit.Broker);

        var first = await ReaderHost.StartAsync(config, rabbit.Broker, settings, state);
        ReaderHost? second = null;
        var firstStopped = false;
        try
        {
            var initial = Assert.Single(await capture.WaitForAsync(_mappingId, 1));
            Assert.IsType<KubernetesLeaseStore>(first.Services.GetRequiredService<ILeaseStore>());
            second = await ReaderHost.StartAsync(config, rabbit.Broker, settings, state);
            // The follower has looked at the Lease and found it held.
            var requestsBefore = Api.Requests.Count;
            await OpenLdapReaderTests.WaitUntilAsync(() => Api.Requests.Count >= requestsBefore + 4);
            Assert.Equal((true, false), (Elector(first).IsLeader, Elector(second).IsLeader));
            Assert.Equal(Elector(first).Holder, Api.Spec(Namespace, "ad-reader-k8s")?["holderIdentity"]?.GetValue<string>());

            admin.Replace($"uid=kai,{_ou}", "mail", "kai.kube@example.org");
            await capture.WaitForAsync(_mappingId, 2);
            await first.PollsAsync();
            Assert.Equal(2, capture.For(_mappingId).Count);

            firstStopped = true;
            await first.DisposeAsync();
            await OpenLdapReaderTests.WaitUntilAsync(() => Elector(second).IsLeader);
            admin.Replace($"uid=kai,{_ou}", "mail", "kai@kube.example.org");
            await capture.WaitForAsync(_mappingId, 3);
            await second!.PollsAsync();

            var messages = capture.For(_mappingId);
            Assert.Equal(["kai@example.org", "kai.kube@example.org", "kai@kube.example.org"], messages.Select(m => m.Email));
            Assert.All(messages, m => Assert.Equal((initial.DirectoryUserId, UserState.Enabled), (m.DirectoryUserId, m.State)));
            Assert.Equal(messages.OrderBy(m => m.Version), messages);
            var lease = Api.Spec(Namespace, "ad-reader-k8s")!;
            Assert.Equal(Elector(second).Holder, lease["holderIdentity"]?.GetValue<string>());
            Assert.Equal(1, lease["leaseTransitions"]!.GetValue<int>());
            // The config store's lease was never asked: one lease, in one place.
            Assert.Empty(config.LeaseRequests);
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

    [Fact]
    public async Task The_lease_is_created_renewed_refused_while_held_lost_on_a_conflict_and_taken_over_only_after_it_lapsed()
    {
        var a = Store();
        var b = Store();
        var ttl = TimeSpan.FromSeconds(2);

        Assert.True(await a.TryAcquireAsync("race", "a", ttl, CancellationToken.None));
        Assert.False(await b.TryAcquireAsync("race", "b", ttl, CancellationToken.None));
        Assert.True(await a.TryAcquireAsync("race", "a", ttl, CancellationToken.None));
        // Another writer got in between a's read and a's write: the API server answers 409 and a does not hold it.
        Api.RaceNextPut = true;
        Assert.False(await a.TryAcquireAsync("race", "a", ttl, CancellationToken.None));
        Assert.Contains("PUT 409", Api.Requests);

        // a stops renewing: b, which has seen the record unchanged for the lease duration, takes it over.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await b.TryAcquireAsync("race", "b", ttl, CancellationToken.None))
        {
            Assert.True(DateTime.UtcNow < deadline, "b never took over the lapsed lease.");
            await Task.Delay(250);
        }
        var spec = Api.Spec(Namespace, "race")!;
        Assert.Equal(("b", 1, 2), (spec["holderIdentity"]!.GetValue<string>(), spec["leaseTransitions"]!.GetValue<int>(),
            spec["leaseDurationSeconds"]!.GetValue<int>()));
        Assert.False(await a.TryAcquireAsync("race", "a", ttl, CancellationToken.None));

        // A release frees it at once for the next one.
        await b.ReleaseAsync("race", "b", CancellationToken.None);
        Assert.Null(Api.Spec(Namespace, "race")!["holderIdentity"]);
        Assert.True(await a.TryAcquireAsync("race", "a", ttl, CancellationToken.None));
        Assert.Equal(2, Api.Spec(Namespace, "race")!["leaseTransitions"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_refused_token_is_an_error_naming_the_status_not_a_lease_held_by_another()
    {
        var wrongToken = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(wrongToken, "not-the-token");
            var error = await Assert.ThrowsAsync<LeaseStoreException>(() =>
                Store(wrongToken).TryAcquireAsync("denied", "a", TimeSpan.FromSeconds(5), CancellationToken.None));
            Assert.Contains("HTTP 401", error.Message);
            Assert.DoesNotContain("not-the-token", error.Message);
        }
        finally
        {
            File.Delete(wrongToken);
        }
    }

    [Fact]
    public async Task Outside_a_cluster_the_default_mode_uses_the_config_store_lease()
    {
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")), "This test runs outside a cluster.");
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Server.Url], slapd.Server.AdminDn, slapd.Server.AdminPassword,
                slapd.Server.BaseDn, PollIntervalSeconds: 1));
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        Assert.IsType<ConfigServiceLeaseStore>(reader.Services.GetRequiredService<ILeaseStore>());
        await OpenLdapReaderTests.WaitUntilAsync(() => !config.LeaseRequests.IsEmpty);
    }
}
