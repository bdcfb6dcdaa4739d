using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// The Rescue API misbehaving while directory changes stream in: 429 with Retry-After, slow answers, connection
/// resets, and the service token revoked by the MAH and then replaced through the config API. Each ends with the full
/// comparison of <see cref="DirectoryChangeStream"/>: nothing lost, no duplicate, none deleted, right status.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class RescueApiFaultTests(SlapdFixture slapd, RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Rescue_API_answering_429_with_Retry_After_for_a_period_delays_but_loses_nothing()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-rescue-429");
        var timings = await stream.RunAsync(async () =>
        {
            await stream.Stack.InjectHttpFaultForAsync(429, retryAfterSeconds: 3, FaultToleranceTests.Outage);
            await Task.Delay(FaultToleranceTests.Outage);
        });
        var refused = (await stream.Stack.Emulator.GetCallsAsync()).Count(c => c.HttpStatus == 429);
        Assert.True(refused > 0, "the fault window saw no call at all, so it tested nothing");
        output.WriteLine($"Rescue 429 for {FaultToleranceTests.Outage.TotalSeconds:0} s ({refused} calls refused): {timings}");
    }

    [Fact]
    public async Task Slow_Rescue_answers_for_a_period_delay_but_lose_nothing_and_duplicate_nothing()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-rescue-slow");
        var timings = await stream.RunAsync(async () =>
        {
            // 2.5 s per call: every createUser/setUser of the stream waits, messages pile up, nothing may be applied twice.
            await stream.Stack.Emulator.SetLatencyAsync(2500);
            await Task.Delay(FaultToleranceTests.Outage);
            await stream.Stack.Emulator.ClearFaultsAsync();
        });
        output.WriteLine($"Rescue answering in 2.5 s for {FaultToleranceTests.Outage.TotalSeconds:0} s: {timings}");
    }

    [Fact]
    public async Task Connection_resets_from_the_Rescue_API_lose_nothing_and_duplicate_no_technician()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-rescue-reset");
        var timings = await stream.RunAsync(async () =>
        {
            // A reset after the request arrived is the worst case for a createUser: the caller cannot know whether it happened.
            // (The emulator resets before applying, so a retried createUser is safe here; the version-0 link covers the rest.)
            await stream.Stack.InjectConnectionResetsAsync(12);
            await Task.Delay(FaultToleranceTests.Outage);
        });
        var resets = (await stream.Stack.Emulator.GetCallsAsync()).Count(c => c.Result == "CONNECTION_RESET");
        Assert.True(resets > 0, "no call was reset, so the case tested nothing");
        output.WriteLine($"Rescue connection resets ({resets} calls reset): {timings}");
    }

    [Fact]
    public async Task Token_revoked_mid_stream_pauses_the_sync_with_one_sync_log_entry_and_the_replaced_token_resumes_it_with_nothing_lost()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-rescue-token");
        var stack = stream.Stack;
        var provisioner = stack.Service("provisioner");
        var timings = await stream.RunAsync(async () =>
        {
            await stack.Emulator.RevokeServiceTokenAsync();
            // Paused: the gauge says so while changes keep arriving from the directory.
            await stack.EventuallyAsync(async () => await SyncStack.MetricSumAsync(provisioner, "adsync_rescue_auth_failing") == 1,
                "the provisioner to notice the revoked token");
            await Task.Delay(FaultToleranceTests.Outage);
            await stack.ReplaceServiceTokenAsync();
        });
        await stack.EventuallyAsync(async () => await SyncStack.MetricSumAsync(provisioner, "adsync_rescue_auth_failing") == 0,
            "the auth-failing gauge back to 0");
        var entries = (await stack.GetSyncLogAsync()).Where(e => e.ErrorCode == "INVALID_SECRETAUTHCODE").ToList();
        Assert.True(entries.Count == 1, $"{entries.Count} sync-log entries for the refused token, expected 1:\n{string.Join("\n", entries)}");
        Assert.Equal(SyncLogLevel.Error, entries[0].Level);
        Assert.True(entries[0].WillRetry);
        Assert.Equal(0, await stack.GetQueueCountAsync("user-changed_error"));
        output.WriteLine($"Token revoked, replaced {FaultToleranceTests.Outage.TotalSeconds:0} s later: {timings}");
    }
}
