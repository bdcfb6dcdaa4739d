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
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}")) is { Version: 0, TechnicianNodeId: not null },
            "the version-0 link claiming the new technician", TimeSpan.FromSeconds(30));
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

    [Fact]
    public async Task Provisioner_killed_after_createUser_ran_but_before_its_answer_was_used_claims_that_technician_after_the_restart()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-crash-create");
        // createUser runs in Rescue but its answer is lost; every call takes 3 s, so the provisioner is killed while its
        // retry is still on its first call, i.e. with the empty technician made and linked to nobody.
        await stack.Emulator.SetLatencyAsync(3000);
        await stack.Emulator.LoseAnswersAsync("createUser", 1);
        await stack.PublishAsync(stack.Change($"u-{_id}", 4, "Ola Olsen", $"ola{_id}@example.org"));
        await stack.EventuallyAsync(async () => (await stack.Emulator.GetCallsAsync("createUser")).Count == 1, "the createUser whose answer is lost",
            TimeSpan.FromSeconds(60));
        stack.Provisioners[0].Kill();
        await stack.Emulator.ClearFaultsAsync();
        var link = await stack.GetLinkAsync($"u-{_id}");
        Assert.True(link is { TechnicianNodeId: null, CreatePendingSince: not null }, $"the createUser intent without a technician, not {link}");
        var orphan = Assert.Single(await stack.Emulator.GetTechniciansAsync());
        Assert.Equal("", orphan.Email);

        await stack.Provisioners[0].StartAgainAsync();

        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"ola{_id}@example.org", "ola finished after the crash");
        Assert.Equal((orphan.NodeId, "Ola Olsen", "Enabled", true), (technician.NodeId, technician.Name, technician.Status, technician.MustChangePassword));
        Assert.Single(await stack.Emulator.GetTechniciansAsync());
        Assert.Single(await stack.Emulator.GetCallsAsync("createUser"));
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}")) is { Version: 4, CreatePendingSince: null } final
            && final.TechnicianNodeId == orphan.NodeId, "the link at version 4 on the claimed technician");
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    [Fact]
    public async Task Lost_createUser_answer_is_recovered_by_claiming_the_technician_it_made_not_by_creating_another()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-lost");
        await stack.Emulator.LoseAnswersAsync("createUser", 1);

        await stack.PublishAsync(stack.Change($"u-{_id}", 3, "Nia Nash", $"nia{_id}@example.org"));

        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"nia{_id}@example.org", "nia after the lost answer");
        Assert.Equal(("Nia Nash", "Enabled", true), (technician.Name, technician.Status, technician.MustChangePassword));
        Assert.Single(await stack.Emulator.GetTechniciansAsync());
        Assert.Equal("OK_ANSWER_LOST", Assert.Single(await stack.Emulator.GetCallsAsync("createUser")).Result);
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}")) is { Version: 3, CreatePendingSince: null } link
            && link.TechnicianNodeId == technician.NodeId, "the link at version 3");
        Assert.Contains(await stack.GetSyncLogAsync(), e => e.DirectoryUserId == $"u-{_id}" && e.Message.Contains("interrupted createUser", StringComparison.Ordinal));
        Assert.Equal(0, await stack.GetQueueCountAsync("user-changed_error"));
    }

    [Fact]
    public async Task Many_users_with_lost_createUser_answers_end_with_one_complete_technician_each()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-lost-many");
        const int users = 8;
        // Half the creates lose their answer while the other users create theirs concurrently: recovering users claim
        // empty technicians that may be someone else's fresh one, which must then find another, never share or duplicate.
        await stack.Emulator.LoseAnswersAsync("createUser", users / 2);

        await stack.PublishAsync([.. Enumerable.Range(0, users).Select(u => stack.Change($"u{u}-{_id}", 1, $"User {u}", $"user{u}-{_id}@example.org"))]);

        for (var u = 0; u < users; u++)
        {
            var userId = $"u{u}-{_id}";
            await stack.EventuallyAsync(async () => (await stack.GetLinkAsync(userId))?.Version == 1, $"{userId} at version 1");
        }
        var technicians = await stack.Emulator.GetTechniciansAsync();
        Assert.Equal(users, technicians.Count);
        Assert.DoesNotContain(technicians, t => t.Email == "");
        var nodes = new HashSet<long>();
        for (var u = 0; u < users; u++)
        {
            var link = await stack.GetLinkAsync($"u{u}-{_id}");
            var technician = Assert.Single(technicians, t => t.Email == $"user{u}-{_id}@example.org");
            Assert.Equal(technician.NodeId, link!.TechnicianNodeId);
            Assert.True(nodes.Add(technician.NodeId));
        }
        Assert.Equal(0, await stack.GetQueueCountAsync("user-changed_error"));
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
    public async Task Rescue_down_longer_than_the_immediate_retries_is_waited_out_in_a_wait_queue_without_hammering_it()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-delayed", environment: new()
        {
            ["Provisioner__ImmediateRetries"] = "1",
            ["Provisioner__RedeliveryDelaysSeconds__0"] = "3",
            ["Provisioner__RedeliveryDelaysSeconds__1"] = "6",
            ["Provisioner__RedeliveryDelaysSeconds__2"] = "12",
            ["Provisioner__RedeliveryDelaysSeconds__3"] = "24",
        });
        // Rescue answers 503 for 12 s: far longer than the immediate retry (~0.2 s), shorter than the delays together.
        await stack.InjectHttpFaultForAsync(503, retryAfterSeconds: 0, TimeSpan.FromSeconds(12));

        await stack.PublishAsync(stack.Change($"u-{_id}", 2, "Rob Rand", $"rob{_id}@example.org"));

        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"rob{_id}@example.org", "rob after the outage", TimeSpan.FromSeconds(120));
        Assert.Equal(("Rob Rand", "Enabled"), (technician.Name, technician.Status));
        Assert.Single(await stack.Emulator.GetTechniciansAsync());
        Assert.Equal(0, await stack.GetQueueCountAsync("user-changed_error"));
        var wait = await stack.GetQueueAsync("user-changed-retry-3s");
        Assert.Equal("quorum", wait.GetProperty("type").GetString());
        Assert.Equal(3000, wait.GetProperty("arguments").GetProperty("x-message-ttl").GetInt32());
        Assert.Equal("user-changed-partitions", wait.GetProperty("arguments").GetProperty("x-dead-letter-exchange").GetString());
        // Two attempts per round (the call and its one immediate retry), a few rounds: nothing like a retry storm.
        var refused = (await stack.Emulator.GetCallsAsync()).Count(c => c.HttpStatus == 503);
        Assert.InRange(refused, 2, 10);
        var log = await stack.GetSyncLogAsync();
        Assert.Contains(log, e => e.ErrorCode == "DELAYED_REDELIVERY" && e.DirectoryUserId == $"u-{_id}" && e.WillRetry);
        Assert.Contains("adsync_provisioner_delayed_redeliveries_total", await stack.GetMetricsAsync(stack.Provisioners[0]));
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync($"u-{_id}"))?.Version == 2, "the link at version 2");
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
        // Paused means paused: Rescue's call log stops growing (the calls in flight when it tripped and the token probe),
        // although six changes wait in the queue.
        await stack.WaitForRescueQuietAsync(TimeSpan.FromSeconds(3), "while the token is refused");
        var refused = (await stack.Emulator.GetCallsAsync()).Count(c => c.Result == "INVALID_SECRETAUTHCODE");
        Assert.InRange(refused, 1, 10);
        Assert.Single(await stack.GetSyncLogAsync(), e => e.ErrorCode == "INVALID_SECRETAUTHCODE");

        await stack.ReplaceServiceTokenAsync();

        for (var i = 1; i <= 5; i++)
        {
            await stack.WaitForTechnicianAsync(t => t.Email == $"user{i}-{_id}@example.org", $"user {i} after the new token");
        }

        await stack.WaitForTechnicianAsync(t => t.Name == "User Zero Renamed", "the rename after the new token");
        await stack.EventuallyAsync(async () => (await stack.GetMetricsAsync(provisioner)).Contains("adsync_rescue_auth_failing 0", StringComparison.Ordinal),
            "the auth-failing gauge back to 0");
        Assert.Single(await stack.GetSyncLogAsync(), e => e.ErrorCode == "INVALID_SECRETAUTHCODE");
        Assert.Equal(0, await stack.GetQueueCountAsync("user-changed_error"));
        Assert.Equal(6, (await stack.Emulator.GetTechniciansAsync()).Count);
    }
}
