using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// The fault suite against OpenLDAP: each case streams directory changes while one part of the system fails, then
/// checks that the emulator ends exactly where the directory says: nothing lost, nothing duplicated, deleted or wrongly disabled.
/// The broker is this class's own, so stopping or killing it disturbs no other test.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class FaultToleranceTests(SlapdFixture slapd, RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    /// <summary>How long a stopped dependency stays down. 30 s in the nightly run; 10 s keeps CI short and still outlasts every retry's first backoff.</summary>
    public static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    /// <summary>How long a SIGKILLed process or broker stays dead before it is started again.</summary>
    public static readonly TimeSpan CrashPause = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task RabbitMq_stopped_mid_stream_and_restarted_loses_no_change_and_duplicates_no_technician()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-mq-stop");
        var timings = await stream.RunAsync(async () =>
        {
            await rabbit.Broker.StopAsync();
            await Task.Delay(Outage);
            await rabbit.Broker.StartAgainAsync();
        });
        output.WriteLine($"RabbitMQ stopped: {timings}");
    }

    [Fact]
    public async Task RabbitMq_killed_mid_stream_and_restarted_loses_no_change_and_duplicates_no_technician()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-mq-kill");
        var timings = await stream.RunAsync(async () =>
        {
            await rabbit.Broker.KillAsync();
            await Task.Delay(CrashPause);
            await rabbit.Broker.StartAgainAsync();
        });
        output.WriteLine($"RabbitMQ SIGKILLed: {timings}");
    }

    [Fact]
    public async Task Provisioner_killed_mid_stream_and_restarted_applies_every_change_once()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-prov-kill");
        var provisioner = stream.Stack.Service("provisioner");
        var timings = await stream.RunAsync(async () =>
        {
            provisioner.Kill();
            await Task.Delay(CrashPause);
            await provisioner.StartAgainAsync();
        });
        output.WriteLine($"Provisioner SIGKILLed: {timings}");
    }

    [Fact]
    public async Task Reader_killed_mid_stream_and_restarted_misses_no_change_made_while_it_was_down()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-reader-kill");
        var reader = stream.Stack.Service("ad-reader");
        var timings = await stream.RunAsync(async () =>
        {
            reader.Kill();
            // Long enough that several changes happen while no reader runs: only the stored watermark can find them.
            await Task.Delay(CrashPause);
            await reader.StartAgainAsync();
        });
        output.WriteLine($"ad-reader SIGKILLed: {timings}");
    }

    [Fact]
    public async Task Directory_stopped_mid_stream_disables_no_technician_and_changes_follow_on_recovery()
    {
        // A slapd of its own: the shared one must stay up for the other classes of the collection.
        await using var server = await SlapdServer.StartAsync();
        await using var stream = await DirectoryChangeStream.StartAsync(server, rabbit.Broker, "rel-slapd-stop");
        var timings = await stream.RunAsync(async () =>
        {
            await server.StopAsync();
            await Task.Delay(Outage);
            // Ten seconds of failed reads: had the reader taken them for an empty group, the members would be Disabled now.
            await stream.AssertNoUnexpectedDisableAsync();
            await server.StartAgainAsync();
        });
        output.WriteLine($"slapd stopped: {timings}");
    }

    [Fact]
    public async Task Rescue_API_answering_503_with_Retry_After_for_a_period_delays_but_loses_nothing()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-rescue-503");
        var timings = await stream.RunAsync(async () =>
        {
            await stream.Stack.InjectHttpFaultForAsync(503, retryAfterSeconds: 2, Outage);
            await Task.Delay(Outage);
        });
        var refused = (await stream.Stack.Emulator.GetCallsAsync()).Count(c => c.HttpStatus == 503);
        Assert.True(refused > 0, "the fault window saw no call at all, so it tested nothing");
        output.WriteLine($"Rescue 503 for {Outage.TotalSeconds:0} s ({refused} calls refused): {timings}");
    }
}
