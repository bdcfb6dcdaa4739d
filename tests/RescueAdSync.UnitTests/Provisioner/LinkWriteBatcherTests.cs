using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Refit;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Provisioner;

/// <summary>
/// How <see cref="LinkWriteBatcher"/> gathers link writes into POST /api/links/batch, with a config service in memory that
/// answers each link as the real one does (the real endpoint: Config.Tests LinksApiTests, and every provisioner
/// integration test, which writes all its links through the batcher).
/// </summary>
public sealed class LinkWriteBatcherTests
{
    private static TechnicianLink Link(string id, long version = 1) => new(id, Guid.NewGuid(), 7000, version, UserState.Enabled, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Writes_that_arrive_while_both_requests_are_out_leave_together_and_each_gets_its_own_answer()
    {
        var config = new ConfigInMemory();
        await using var batcher = config.Batcher();
        var store = new LinkStore(config.Api, batcher);

        var first = store.PutAsync(Link("a"), CancellationToken.None);
        await config.WaitForRequestsAsync(1);
        var second = store.PutAsync(Link("b"), CancellationToken.None);
        await config.WaitForRequestsAsync(2);
        // Both requests are out: these three wait, and go in the next one.
        var later = new[] { store.PutAsync(Link("c"), CancellationToken.None), store.PutAsync(Link("stale", 0), CancellationToken.None),
            store.PutAsync(Link("e"), CancellationToken.None) };
        config.Release();

        Assert.Equal([LinkWrite.Stored, LinkWrite.Stored], await Task.WhenAll(first, second));
        Assert.Equal([LinkWrite.Stored, LinkWrite.Stale, LinkWrite.Stored], await Task.WhenAll(later));
        Assert.Equal([["a"], ["b"], ["c", "stale", "e"]], config.Batches);
        Assert.Empty(config.SinglePuts);
    }

    [Fact]
    public async Task A_config_service_without_the_batch_endpoint_gets_single_puts_and_their_409_reasons_are_read()
    {
        var config = new ConfigInMemory { HasBatchEndpoint = false };
        config.Release();
        await using var batcher = config.Batcher();
        var store = new LinkStore(config.Api, batcher);

        Assert.Equal(LinkWrite.Stored, await store.PutAsync(Link("a"), CancellationToken.None));
        Assert.Equal(LinkWrite.TechnicianBound, await store.PutAsync(Link("bound"), CancellationToken.None));
        Assert.Equal(LinkWrite.LinkedElsewhere, await store.PutAsync(Link("elsewhere"), CancellationToken.None));

        // Asked once; every write after the 404 goes straight to PUT /api/links/{directoryUserId}.
        Assert.Single(config.Batches);
        Assert.Equal(["a", "bound", "elsewhere"], config.SinglePuts);
    }

    [Fact]
    public async Task A_failed_batch_request_fails_every_write_in_it_and_the_next_writes_go_out_again()
    {
        var config = new ConfigInMemory { Failing = true };
        config.Release();
        await using var batcher = config.Batcher();
        var store = new LinkStore(config.Api, batcher);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => store.PutAsync(Link("a"), CancellationToken.None));
        Assert.Contains("config service down", error.Message);

        config.Failing = false;
        Assert.Equal(LinkWrite.Stored, await store.PutAsync(Link("a"), CancellationToken.None));
    }

    /// <summary>The config service's link endpoints in memory; batch requests wait for <see cref="Release"/>.</summary>
    private sealed class ConfigInMemory
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<string[]> _batches = new();
        private readonly ConcurrentQueue<string> _singles = new();
        private int _requests;

        public ConfigInMemory() => Api = Proxy.Create(this);

        public IConfigApi Api { get; }

        public bool HasBatchEndpoint { get; init; } = true;

        public bool Failing { get; set; }

        public IReadOnlyList<string[]> Batches => [.. _batches];

        public IReadOnlyList<string> SinglePuts => [.. _singles];

        public LinkWriteBatcher Batcher() =>
            new(new ServiceCollection().AddSingleton(Api).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), NullLogger<LinkWriteBatcher>.Instance);

        public void Release() => _released.TrySetResult();

        public async Task WaitForRequestsAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (Volatile.Read(ref _requests) < count)
            {
                await Task.Delay(10, timeout.Token);
            }
        }

        private static (HttpStatusCode Status, string? Reason) Answer(TechnicianLink link) => link.DirectoryUserId switch
        {
            "bound" => (HttpStatusCode.Conflict, "technician-bound"),
            "elsewhere" => (HttpStatusCode.Conflict, "technician-linked-elsewhere"),
            _ when link.Version == 0 => (HttpStatusCode.Conflict, "stale-version"),
            _ => (HttpStatusCode.OK, null),
        };

        public async Task<IApiResponse<LinkWriteResult[]>> PutLinksAsync(IReadOnlyList<TechnicianLink> links)
        {
            _batches.Enqueue([.. links.Select(l => l.DirectoryUserId)]);
            Interlocked.Increment(ref _requests);
            await _released.Task;
            if (Failing)
            {
                throw new HttpRequestException("config service down");
            }

            if (!HasBatchEndpoint)
            {
                return new ApiResponse<LinkWriteResult[]>(Response(HttpStatusCode.NotFound), null, new RefitSettings());
            }

            var results = links.Select(l => (l, Answer(l))).Select(a => new LinkWriteResult(a.l.DirectoryUserId, (int)a.Item2.Status, a.Item2.Reason)).ToArray();
            return new ApiResponse<LinkWriteResult[]>(Response(HttpStatusCode.OK), results, new RefitSettings());
        }

        public async Task<IApiResponse> PutLinkAsync(TechnicianLink link)
        {
            _singles.Enqueue(link.DirectoryUserId);
            var (status, reason) = Answer(link);
            var response = Response(status, reason is null ? null : $$"""{"status":409,"reason":"{{reason}}"}""");
            var error = status == HttpStatusCode.OK ? null : await ApiException.Create(response.RequestMessage!, HttpMethod.Put, response, new RefitSettings());
            return new ApiResponse<object>(response, null, new RefitSettings(), error);
        }

        private static HttpResponseMessage Response(HttpStatusCode status, string? problem = null) => new(status)
        {
            RequestMessage = new HttpRequestMessage(HttpMethod.Put, "http://config/api/links"),
            Content = problem is null ? null : new StringContent(problem, Encoding.UTF8, "application/problem+json"),
        };
    }

    private class Proxy : DispatchProxy
    {
        private ConfigInMemory? _config;

        public static IConfigApi Create(ConfigInMemory config)
        {
            var proxy = Create<IConfigApi, Proxy>();
            ((Proxy)(object)proxy)._config = config;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args) => method!.Name switch
        {
            nameof(IConfigApi.PutLinksAsync) => _config!.PutLinksAsync((IReadOnlyList<TechnicianLink>)args![0]!),
            nameof(IConfigApi.PutLinkAsync) => _config!.PutLinkAsync((TechnicianLink)args![1]!),
            _ => throw new NotSupportedException($"{method.Name} must not be called."),
        };
    }
}
