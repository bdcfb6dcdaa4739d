using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>The lease API on a clock the tests move, so a lease lapses exactly when they say, however busy the machine.</summary>
public class LeasesApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>, IAsyncDisposable
{
    private readonly ClockedConfigApi _api = new(factory, DateTimeOffset.UtcNow);

    public ValueTask DisposeAsync() => _api.DisposeAsync();
    [Fact]
    public async Task Lease_is_acquired_renewed_by_its_holder_refused_to_others_and_released()
    {
        var name = "directory-" + Guid.NewGuid().ToString("N");

        var first = await AcquireAsync(name, "reader-a", 60);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var lease = (await first.Content.ReadFromJsonAsync<Lease>())!;
        Assert.Equal("reader-a", lease.Holder);
        Assert.Equal(name, lease.Name);
        Assert.Equal(lease.AcquiredAt.AddSeconds(60), lease.ExpiresAt);

        var other = await AcquireAsync(name, "reader-b", 60);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        var problem = await other.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("reader-a", problem.GetProperty("holder").GetString());
        Assert.Equal(lease.ExpiresAt, problem.GetProperty("expiresAt").GetDateTimeOffset());

        _api.Time.Advance(TimeSpan.FromSeconds(10));
        var renewed = await AcquireAsync(name, "reader-a", 120);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        var renewal = (await renewed.Content.ReadFromJsonAsync<Lease>())!;
        Assert.Equal(lease.AcquiredAt, renewal.AcquiredAt);
        Assert.True(renewal.ExpiresAt > lease.ExpiresAt);
        Assert.Equal("reader-a", (await _api.Admin.GetFromJsonAsync<Lease>($"/api/leases/{name}"))!.Holder);

        // Only the holder can release: another replica's release must not hand the directory to a third.
        Assert.Equal(HttpStatusCode.Conflict, (await _api.Reader.DeleteAsync($"/api/leases/{name}?holder=reader-b")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Reader.DeleteAsync($"/api/leases/{name}?holder=reader-a")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Reader.GetAsync($"/api/leases/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AcquireAsync(name, "reader-b", 60)).StatusCode);
    }

    [Fact]
    public async Task Expired_lease_is_taken_over_by_another_holder()
    {
        var name = "directory-" + Guid.NewGuid().ToString("N");
        var first = await AcquireAsync(name, "crashed-reader", 5);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await AcquireAsync(name, "standby-reader", 30)).StatusCode);
        _api.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HttpStatusCode.Conflict, (await AcquireAsync(name, "standby-reader", 30)).StatusCode);

        // The crashed holder never renews: its lease lapses.
        _api.Time.Advance(TimeSpan.FromSeconds(2));

        var takeover = await AcquireAsync(name, "standby-reader", 30);
        Assert.Equal(HttpStatusCode.OK, takeover.StatusCode);
        var lease = (await takeover.Content.ReadFromJsonAsync<Lease>())!;
        Assert.Equal("standby-reader", lease.Holder);
        Assert.True(lease.AcquiredAt > DateTimeOffset.UtcNow.AddSeconds(-5), "a takeover is a new acquisition");
        Assert.Equal(HttpStatusCode.Conflict, (await AcquireAsync(name, "crashed-reader", 1)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_acquisition_has_exactly_one_winner()
    {
        var name = "directory-" + Guid.NewGuid().ToString("N");

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => AcquireAsync(name, $"replica-{i}", 60)));

        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Single(winners);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var holder = (await winners[0].Content.ReadFromJsonAsync<Lease>())!.Holder;
        foreach (var loser in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal(holder, (await loser.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("holder").GetString());
        }

        Assert.Equal(holder, (await _api.Reader.GetFromJsonAsync<Lease>($"/api/leases/{name}"))!.Holder);
    }

    [Fact]
    public async Task Concurrent_takeover_of_an_expired_lease_has_exactly_one_winner()
    {
        var name = "directory-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await AcquireAsync(name, "crashed-reader", 1)).StatusCode);
        _api.Time.Advance(TimeSpan.FromSeconds(2));

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => AcquireAsync(name, $"replica-{i}", 60)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
    }

    [Theory]
    [InlineData("", 30, "holder")]
    [InlineData("reader-a", 0, "ttlSeconds")]
    [InlineData("reader-a", 3601, "ttlSeconds")]
    public async Task Invalid_requests_are_400_with_field_errors(string holder, int ttl, string field)
    {
        var response = await AcquireAsync("directory-x", holder, ttl);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.Reader.DeleteAsync("/api/leases/directory-x")).StatusCode);
    }

    private Task<HttpResponseMessage> AcquireAsync(string name, string holder, int ttlSeconds) =>
        _api.Reader.PostAsJsonAsync($"/api/leases/{name}", new LeaseRequest(holder, ttlSeconds));
}
