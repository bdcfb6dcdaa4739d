using RescueAdSync.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Bad input on the queue, end to end: while the directory stream flows through the whole system, a broken or
/// foreign publisher puts unreadable and unknown messages on the provisioner's queue. They must be set aside with a reason
/// (the error queue keeps them for an operator), and every real change must still arrive.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class QueueBadInputTests(SlapdFixture slapd, RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Malformed_and_unknown_messages_mid_stream_go_to_the_error_queue_with_a_reason_while_every_change_flows()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-queue-bad");
        var stack = stream.Stack;
        var mapping = stack.MappingId;
        var timings = await stream.RunAsync(async () =>
        {
            // Not JSON at all.
            await stack.PublishRawAsync("{ this is not json");
            // A content type nobody reads.
            await stack.PublishRawAsync("<userChanged><userId>x</userId></userChanged>", "application/xml");
            // A UserChanged envelope whose message has the wrong types.
            await stack.PublishRawAsync($$$"""
                {"messageId":"{{{Guid.NewGuid()}}}","messageType":["urn:message:RescueAdSync.Contracts:UserChanged"],
                 "message":{"mappingId":"{{{mapping}}}","userId":42,"version":"seven","state":"Sideways"}}
                """);
            // A well-formed UserChanged for a mapping that does not exist.
            await stack.PublishAsync(stack.Change($"ghost-{Guid.NewGuid():N}", 1, "Ghost User", "ghost@example.org") with { MappingId = Guid.NewGuid() });
            // A message type no consumer knows, on the same exchange.
            await stack.PublishRawAsync($$$"""
                {"messageId":"{{{Guid.NewGuid()}}}","messageType":["urn:message:Evil.Corp:DropAllTables"],"message":{"all":true}}
                """);
        });
        output.WriteLine($"Bad messages mid-stream: {timings}");

        // All five are kept in the error queue, each with the reason it was refused; the foreign message type too (no
        // consumer takes it: a fault naming the type, not a silent skip).
        await stack.EventuallyAsync(async () => await stack.GetQueueCountAsync("user-changed_error") >= 5,
            "five messages in user-changed_error", TimeSpan.FromSeconds(60));
        var reasons = await stack.ReadFaultReasonsAsync("user-changed_error", 5);
        foreach (var reason in reasons)
        {
            output.WriteLine($"error queue reason: {reason}");
        }

        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r), "a message in the error queue without a reason"));
        Assert.Contains(reasons, r => r.Contains("does not exist in the config service", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("No consumer takes this message", StringComparison.Ordinal)
                                      && r.Contains("Evil.Corp:DropAllTables", StringComparison.Ordinal));
        var syncLog = await stack.GetSyncLogAsync();
        Assert.Contains(syncLog, e => e.ErrorCode == "UNKNOWN_MAPPING");
        Assert.Contains(syncLog, e => e.Message.Contains("Evil.Corp:DropAllTables", StringComparison.Ordinal));
        Assert.Equal(5, await stack.GetQueueCountAsync("user-changed_error"));
        Assert.Equal(0, await stack.GetQueueCountAsync("user-changed_skipped"));
        // Nothing left unconsumed in the partition queues or the router queue (whose statistics lag a few seconds).
        await stack.EventuallyAsync(async () => await stack.GetBacklogAsync() == 0, "no backlog in the provisioners' queues");
    }
}
