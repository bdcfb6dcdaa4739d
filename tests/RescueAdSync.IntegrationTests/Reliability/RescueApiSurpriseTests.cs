using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Rescue API surprises (answers outside the contract, from the emulator's /admin/faults/surprise) against real
/// provisioner processes: an unknown result code, an HTML error page, a truncated answer. Each must leave a clear error in
/// the sync log, be retried only where a retry cannot do harm, never duplicate a technician, and not stop the flow.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class RescueApiSurpriseTests(RabbitMqFixture rabbit, ITestOutputHelper output)
{
    private const string SurpriseCode = "SERVICE_SURPRISE_2031";
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Unknown_result_code_is_a_clear_sync_log_error_not_retried_blindly_and_the_flow_goes_on()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "rel-surprise-code");
        await stack.InjectSurpriseAsync("unknown-code", "createUser");
        await stack.PublishAsync(stack.Change($"u1-{_id}", 1, "Una Code", $"una{_id}@example.org"));

        var entry = await SyncLogEntryAsync(stack, e => e.ErrorCode == SurpriseCode);
        output.WriteLine($"sync log: {entry.Level} {entry.Operation} {entry.ErrorCode} will-retry={entry.WillRetry}: {entry.Message}");
        Assert.Equal(SyncLogLevel.Error, entry.Level);
        Assert.Equal($"u1-{_id}", entry.DirectoryUserId);
        Assert.Contains("createUser", entry.Operation + entry.Message, StringComparison.Ordinal);
        Assert.Contains(SurpriseCode, entry.Message, StringComparison.Ordinal);

        // The flow goes on: the next user is provisioned.
        await stack.PublishAsync(stack.Change($"u2-{_id}", 1, "Udo Next", $"udo{_id}@example.org"));
        await stack.WaitForTechnicianAsync(t => t.Email == $"udo{_id}@example.org", "the next user");
        await AssertNoDuplicateAsync(stack);
        // What Rescue did with an unknown code is unknown: createUser is not safe to repeat blindly, so at most the
        // surprised call and, when the message was retried, calls that found nothing made (the emulator applied nothing).
        var creates = await stack.Emulator.GetCallsAsync("createUser");
        output.WriteLine($"createUser calls: {string.Join(", ", creates.Select(c => c.Result))}");
    }

    [Fact]
    public async Task Html_error_page_with_200_is_a_malformed_response_in_the_sync_log_and_with_502_is_retried_until_applied()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "rel-surprise-html");

        // A portal page that claims success: unreadable, a clear error, nothing applied twice.
        await stack.InjectSurpriseAsync("html", "createUser", status: 200);
        await stack.PublishAsync(stack.Change($"h1-{_id}", 1, "Hal Page", $"hal{_id}@example.org"));
        var entry = await SyncLogEntryAsync(stack, e => e.DirectoryUserId == $"h1-{_id}" && e.Level == SyncLogLevel.Error);
        output.WriteLine($"sync log: {entry.Level} {entry.Operation} {entry.ErrorCode} will-retry={entry.WillRetry}: {entry.Message}");
        Assert.Equal("MALFORMED_RESPONSE", entry.ErrorCode);
        Assert.DoesNotContain("<html", entry.Message, StringComparison.OrdinalIgnoreCase); // a reason, not the page dumped into the log

        // A gateway's 502 page: the call never reached Rescue, so a retry is safe and the change is applied.
        await stack.InjectSurpriseAsync("html", "createUser", count: 2, status: 502);
        await stack.PublishAsync(stack.Change($"h2-{_id}", 1, "Hedy Gateway", $"hedy{_id}@example.org"));
        await stack.WaitForTechnicianAsync(t => t.Email == $"hedy{_id}@example.org" && t.Status == "Enabled", "hedy after two 502 pages",
            TimeSpan.FromSeconds(120));
        Assert.Equal(2, (await stack.Emulator.GetCallsAsync("createUser")).Count(c => c.Result == "HTML_PAGE" && c.HttpStatus == 502));
        await AssertNoDuplicateAsync(stack);
    }

    [Fact]
    public async Task Truncated_answer_to_an_applied_createUser_is_retried_without_a_duplicate_technician()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "rel-surprise-cut");
        await stack.InjectSurpriseAsync("truncated", "createUser");
        await stack.PublishAsync(stack.Change($"t1-{_id}", 1, "Tom Cut", $"tom{_id}@example.org"));

        await stack.WaitForTechnicianAsync(t => t.Email == $"tom{_id}@example.org" && t.Status == "Enabled", "tom after the cut answer",
            TimeSpan.FromSeconds(120));
        var creates = await stack.Emulator.GetCallsAsync("createUser");
        output.WriteLine($"createUser calls: {string.Join(", ", creates.Select(c => c.Result))}");
        Assert.Contains(creates, c => c.Result == "TRUNCATED");
        // The emulator made a technician for the cut call; the sync must end with one technician for Tom, not an orphan plus one.
        // Known bug (open, provisioner): a createUser whose answer is lost is sent again, and the first, nameless technician
        // stays behind as an orphan (same window as the provisioner-kill case of FaultToleranceTests). Not skipped on purpose.
        IReadOnlyList<EmulatedTechnician> technicians = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((technicians = await stack.Emulator.GetTechniciansAsync()).Count != 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
        }

        Assert.True(technicians.Count == 1,
            $"{technicians.Count} technicians for one user after a truncated createUser, expected 1: {string.Join("; ", technicians)}");
        await AssertNoDuplicateAsync(stack);
    }

    private static async Task<SyncLogEntry> SyncLogEntryAsync(SyncStack stack, Func<SyncLogEntry, bool> match)
    {
        SyncLogEntry? found = null;
        await stack.EventuallyAsync(async () => (found = (await stack.GetSyncLogAsync()).FirstOrDefault(match)) is not null,
            "the sync-log entry", TimeSpan.FromSeconds(60));
        return found!;
    }

    private static async Task AssertNoDuplicateAsync(SyncStack stack)
    {
        var technicians = await stack.Emulator.GetTechniciansAsync();
        Assert.True(technicians.GroupBy(t => t.Email).All(g => g.Count() == 1), $"duplicate technicians: {string.Join("; ", technicians)}");
        Assert.DoesNotContain(await stack.Emulator.GetCalledMethodsAsync(), m => m.Equals("deleteNode", StringComparison.OrdinalIgnoreCase));
    }
}
