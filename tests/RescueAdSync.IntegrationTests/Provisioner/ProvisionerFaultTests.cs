using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Provisioner;

/// <summary>Crashes, rate limits and a revoked token: nothing is lost, nothing is duplicated, no retry storm.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class ProvisionerFaultTests(RabbitMqFixture rabbit)
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Crash_between_createUser_and_setUser_leaves_no_duplicate_and_no_half_made_technician()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-crash");
        // Every Rescue call takes 3 s: once the version-0 link of the new technician exists, setUser_v2 is in flight,
        // and killing the provisioner then aborts it before the emulator applies it.
        await stack.Emulator.SetLatencyAsync(3000);
        await stack.PublishAsync(stack.Change($"u-{_id}", 4, "Kim Kerr", $"kim{_id}@example.org"));
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}"))?.Version == 0, "the version-0 link after createUser",
            TimeSpan.FromSeconds(30));
        stack.Provisioners[0].Kill();
        await stack.Emulator.ClearFaultsAsync();
        Assert.Contains(await stack.Emulator.GetTechniciansAsync(), t => t.Email == "");

        await stack.Provisioners[0].StartAgainAsync();

        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"kim{_id}@example.org", "kim finished after the crash");
        Assert.Equal(("Kim Kerr", "Enabled", true), (technician.Name, technician.Status, technician.MustChangePassword));
        Assert.Single(await stack.Emulator.GetTechniciansAsync());
        Assert.Single(await stack.Emulator.GetCallsAsync("createUser"));
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}"))?.Version == 4, "the link at version 4");
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Rate_limit_or_unavailable_with_Retry_After_is_retried_until_applied(int status)
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, $"p-{status}");
        await stack.Emulator.InjectHttpFaultAsync(status, retryAfterSeconds: 1, count: 4);

        await stack.PublishAsync(stack.Change($"u-{_id}", 1, "Lea Lund", $"lea{_id}@example.org"));

        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"lea{_id}@example.org", "lea after the faults");
        Assert.Equal("Enabled", technician.Status);
        Assert.Equal(4, (await stack.Emulator.GetCallsAsync()).Count(c => c.HttpStatus == status));
        Assert.Single(await stack.Emulator.GetTechniciansAsync());
        Assert.Equal(0, await stack.GetQueueCountAsync("user-changed_error"));
    }

    [Fact]
    public async Task Revoked_token_pauses_all_calls_with_one_sync_log_entry_and_resumes_when_replaced_with_nothing_lost()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-token");
        var provisioner = stack.Provisioners[0];
        await stack.PublishAsync(stack.Change($"u0-{_id}", 1, "User Zero", $"zero{_id}@example.org"));
        await stack.WaitForTechnicianAsync(t => t.Email == $"zero{_id}@example.org", "the first user");
        Assert.Contains("adsync_rescue_auth_failing 0", await stack.GetMetricsAsync(provisioner));

        await stack.Emulator.RevokeServiceTokenAsync();
        await stack.PublishAsync([.. Enumerable.Range(1, 5).Select(i => stack.Change($"u{i}-{_id}", 1, $"User {i}", $"user{i}-{_id}@example.org"))]);
        await stack.PublishAsync(stack.Change($"u0-{_id}", 2, "User Zero Renamed", $"zero{_id}@example.org"));

        await stack.EventuallyAsync(async () => (await stack.GetMetricsAsync(provisioner)).Contains("adsync_rescue_auth_failing 1", StringComparison.Ordinal),
            "the auth-failing gauge");
        // Paused means paused: a few seconds later Rescue has seen only the calls in flight when it tripped and the probes.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var refused = (await stack.Emulator.GetCallsAsync()).Count(c => c.Result == "INVALID_SECRETAUTHCODE");
        Assert.InRange(refused, 1, 10);
        Assert.Single(await stack.GetSyncLogAsync(), e => e.ErrorCode == "INVALID_SECRETAUTHCODE");

        await stack.ReplaceServiceTokenAsync();

        for (var i = 1; i <= 5; i++)
            await stack.WaitForTechnicianAsync(t => t.Email == $"user{i}-{_id}@example.org", $"user {i} after the new token");
        await stack.WaitForTechnicianAsync(t => t.Name == "User Zero Renamed", "the rename after the new token");
        await stack.EventuallyAsync(async () => (await stack.GetMetricsAsync(provisioner)).Contains("adsync_rescue_auth_failing 0", StringComparison.Ordinal),
            "the auth-failing gauge back to 0");
        Assert.Single(await stack.GetSyncLogAsync(), e => e.ErrorCode == "INVALID_SECRETAUTHCODE");
        Assert.Equal(0, await stack.GetQueueCountAsync("user-changed_error"));
        Assert.Equal(6, (await stack.Emulator.GetTechniciansAsync()).Count);
    }
}
