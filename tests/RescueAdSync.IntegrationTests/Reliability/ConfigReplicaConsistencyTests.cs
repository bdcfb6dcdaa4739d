using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Two config-service processes on one PostgreSQL behind a round-robin balancer, every request on a new connection so
/// that consecutive requests go to different replicas (asserted): the guarantees the reader and the provisioners build
/// on must hold whichever replica answers. The leader lease, a link's version compare-and-set and technician claim,
/// and the failed-authentication limit are each one statement on the shared database, never per-process state.
/// </summary>
public sealed class ConfigReplicaConsistencyTests : IAsyncLifetime
{
    private const int FailedAttemptsPerMinute = 4;
    private readonly string _adminKey = NewKey();
    private readonly string _readerKey = NewKey();
    private readonly string _provisionerKey = NewKey();
    private readonly List<ServiceProcess> _replicas = [];
    private PostgresServer? _postgres;
    private RoundRobinBalancer? _balancer;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = "PostgreSql",
            ["ConnectionStrings__Config"] = _postgres.ConnectionString,
            ["Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Auth__ApiKeys__0__Key"] = _adminKey,
            ["Auth__ApiKeys__0__Role"] = "admin",
            ["Auth__ApiKeys__1__Key"] = _readerKey,
            ["Auth__ApiKeys__1__Role"] = "reader",
            ["Auth__ApiKeys__2__Key"] = _provisionerKey,
            ["Auth__ApiKeys__2__Role"] = "provisioner",
            ["Auth__FailedAttemptsPerMinute"] = FailedAttemptsPerMinute.ToString(CultureInfo.InvariantCulture),
        };
        // One after the other: the first migrates the empty database.
        for (var i = 1; i <= 2; i++)
        {
            _replicas.Add(await ServiceProcess.StartAsync($"replicas-config-{i}", RepoPaths.ServiceDll("config", "RescueAdSync.Config"), environment));
        }

        _balancer = RoundRobinBalancer.Start(_replicas.Select(r => r.Port).ToList());
    }

    public async Task DisposeAsync()
    {
        if (_balancer is not null)
        {
            await _balancer.DisposeAsync();
        }

        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [Fact]
    public async Task Reader_leader_lease_is_held_by_one_holder_whichever_replica_each_request_reaches()
    {
        var name = "directory-" + Guid.NewGuid().ToString("N");
        var path = $"/api/leases/{name}";
        var reader = Client(_readerKey);
        var acquireA = await OnNextReplicaAsync(() => reader.PostAsJsonAsync(path, new LeaseRequest("reader-a", 60)));
        var refusedB = await OnNextReplicaAsync(() => reader.PostAsJsonAsync(path, new LeaseRequest("reader-b", 60)));
        var renewA = await OnNextReplicaAsync(() => reader.PostAsJsonAsync(path, new LeaseRequest("reader-a", 60)));
        var read = await OnNextReplicaAsync(() => reader.GetAsync(path));
        var released = await OnNextReplicaAsync(() => reader.DeleteAsync($"{path}?holder=reader-a"));
        var acquireB = await OnNextReplicaAsync(() => reader.PostAsJsonAsync(path, new LeaseRequest("reader-b", 60)));
        AssertAlternating(acquireA, refusedB, renewA, read, released, acquireB);

        Assert.Equal(HttpStatusCode.OK, acquireA.Response.StatusCode);
        var lease = (await acquireA.Response.Content.ReadFromJsonAsync<Lease>())!;
        Assert.Equal(HttpStatusCode.Conflict, refusedB.Response.StatusCode);
        Assert.Equal("reader-a", (await refusedB.Response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("holder").GetString());
        Assert.Equal(HttpStatusCode.OK, renewA.Response.StatusCode);
        Assert.Equal(lease.AcquiredAt, (await renewA.Response.Content.ReadFromJsonAsync<Lease>())!.AcquiredAt);
        Assert.Equal("reader-a", (await read.Response.Content.ReadFromJsonAsync<Lease>())!.Holder);
        Assert.Equal(HttpStatusCode.NoContent, released.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, acquireB.Response.StatusCode);

        // Twenty holders at once, spread over both replicas: exactly one wins.
        var race = "race-" + Guid.NewGuid().ToString("N");
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => reader.PostAsJsonAsync($"/api/leases/{race}", new LeaseRequest($"reader-{i}", 60))));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.True(_balancer!.ConnectionsTo(0) >= 10 && _balancer.ConnectionsTo(1) >= 10, _balancer.ToString());
    }

    [Fact]
    public async Task Link_version_compare_and_set_and_technician_claim_hold_whichever_replica_each_request_reaches()
    {
        var provisioner = Client(_provisionerKey);
        var user = "user-" + Guid.NewGuid().ToString("N");
        var nodeId = Random.Shared.NextInt64(1_000_000, 9_000_000);
        var mapping = Guid.NewGuid();
        var path = $"/api/links/{user}";

        var v20 = await OnNextReplicaAsync(() => provisioner.PutAsJsonAsync(path, Link(user, mapping, nodeId, 20, UserState.Disabled)));
        var stale19 = await OnNextReplicaAsync(() => provisioner.PutAsJsonAsync(path, Link(user, mapping, nodeId, 19, UserState.Enabled)));
        var read = await OnNextReplicaAsync(() => provisioner.GetAsync(path));
        var v21 = await OnNextReplicaAsync(() => provisioner.PutAsJsonAsync(path, Link(user, mapping, nodeId, 21, UserState.Enabled)));
        var otherUser = "user-" + Guid.NewGuid().ToString("N");
        var claim = await OnNextReplicaAsync(() => provisioner.PutAsJsonAsync($"/api/links/{otherUser}", Link(otherUser, mapping, nodeId, 1, UserState.Enabled)));
        AssertAlternating(v20, stale19, read, v21, claim);

        Assert.Equal(HttpStatusCode.OK, v20.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale19.Response.StatusCode);
        var stored = (await read.Response.Content.ReadFromJsonAsync<TechnicianLink>())!;
        Assert.Equal((20, UserState.Disabled), (stored.Version, stored.State));
        Assert.Equal(HttpStatusCode.OK, v21.Response.StatusCode);
        // The technician belongs to the first user: the other replica refuses it to a second one.
        Assert.Equal(HttpStatusCode.Conflict, claim.Response.StatusCode);

        // Versions 22..61 at once, spread over both replicas in any order: the newest is what stays.
        var race = await Task.WhenAll(Enumerable.Range(22, 40).Reverse()
            .Select(version => provisioner.PutAsJsonAsync(path, Link(user, mapping, nodeId, version, version % 2 == 0 ? UserState.Enabled : UserState.Disabled))));
        Assert.All(race, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var final = (await provisioner.GetFromJsonAsync<TechnicianLink>(path))!;
        Assert.Equal((61L, UserState.Disabled, (long?)nodeId), (final.Version, final.State, final.TechnicianNodeId));
    }

    [Fact]
    public async Task Wrong_keys_on_replica_A_then_B_are_counted_together_and_valid_keys_pass_while_they_are_refused()
    {
        var wrong = Client("not-a-configured-key-0123456789");
        var admin = Client(_adminKey);
        var reader = Client(_readerKey);
        // Strict alternation, so the sequence wrong, wrong, valid, wrong, wrong, valid puts two failures on each replica,
        // with a valid key from the same address in between.
        var answers = new List<(bool Valid, Routed Answer)>();
        foreach (var valid in new[] { false, false, true, false, false, true })
        {
            answers.Add((valid, await OnNextReplicaAsync(() => (valid ? reader : wrong).GetAsync("/api/mappings"))));
        }

        var refusedOnA = await OnNextReplicaAsync(() => wrong.GetAsync("/api/mappings"));
        var refusedOnB = await OnNextReplicaAsync(() => wrong.GetAsync("/api/mappings"));
        var validOnA = await OnNextReplicaAsync(() => admin.GetAsync("/api/mappings"));
        var validOnB = await OnNextReplicaAsync(() => reader.GetAsync("/api/mappings"));
        AssertAlternating([.. answers.Select(a => a.Answer), refusedOnA, refusedOnB, validOnA, validOnB]);

        // The four failures reached both replicas, two each: a per-process count would still allow two more on each.
        var failures = answers.Where(a => !a.Valid).Select(a => a.Answer).ToList();
        Assert.Equal(FailedAttemptsPerMinute, failures.Count);
        Assert.All(failures, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Response.StatusCode));
        Assert.Equal([2, 2], failures.GroupBy(a => a.Backend).Select(g => g.Count()));
        Assert.All(answers.Where(a => a.Valid), a => Assert.Equal(HttpStatusCode.OK, a.Answer.Response.StatusCode));
        foreach (var refused in new[] { refusedOnA, refusedOnB })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Response.StatusCode);
            var retryAfter = refused.Response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
            Assert.InRange(retryAfter, 1, 60);
            var problem = await refused.Response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Too many failed authentications from this address.", problem.GetProperty("title").GetString());
            Assert.Contains($"more than {FailedAttemptsPerMinute} unknown API keys within a minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(retryAfter, problem.GetProperty("retryAfterSeconds").GetInt32());
        }
        Assert.NotEqual(refusedOnA.Backend, refusedOnB.Backend);
        Assert.Equal(HttpStatusCode.OK, validOnA.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, validOnB.Response.StatusCode);
    }

    private sealed record Routed(HttpResponseMessage Response, int Backend);

    /// <summary>Sends one request on a new connection and says which replica the balancer gave it to.</summary>
    private async Task<Routed> OnNextReplicaAsync(Func<Task<HttpResponseMessage>> send)
    {
        var before = _balancer!.Routed.Count;
        var response = await send();
        var routed = _balancer.Routed;
        Assert.True(routed.Count == before + 1, $"expected one new connection, saw {routed.Count - before}: {_balancer}");
        return new Routed(response, routed[^1]);
    }

    private static void AssertAlternating(params Routed[] answers)
    {
        for (var i = 1; i < answers.Length; i++)
        {
            Assert.True(answers[i].Backend != answers[i - 1].Backend,
                $"requests {i} and {i + 1} both went to replica {answers[i].Backend}: {string.Join(",", answers.Select(a => a.Backend))}");
        }
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(_balancer!.Url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        // A new connection per request: the balancer routes connections, so this makes consecutive requests alternate.
        client.DefaultRequestHeaders.ConnectionClose = true;
        return client;
    }

    private static TechnicianLink Link(string user, Guid mapping, long nodeId, long version, UserState state) =>
        new(user, mapping, nodeId, version, state, DateTimeOffset.UtcNow);

    private static string NewKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}
