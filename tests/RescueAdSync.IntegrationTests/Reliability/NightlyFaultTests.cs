using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// The 30 s outages (RabbitMQ stopped, the directory stopped), nightly only: the default run has the same cases
/// with 10 s outages in <see cref="FaultToleranceTests"/>. A 30 s outage outlasts the reader's and provisioner's retry
/// backoffs several times over and, for the broker, MassTransit's reconnect attempts.
/// </summary>
[Collection(SlapdCollection.Name)]
[Trait(Nightly.Trait, Nightly.Value)]
public sealed class NightlyFaultTests(SlapdFixture slapd, RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task RabbitMq_stopped_for_30_s_mid_stream_loses_no_change_and_duplicates_no_technician()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-mq-stop30");
        var timings = await stream.RunAsync(async () =>
        {
            await rabbit.Broker.StopAsync();
            await Task.Delay(Nightly.LongOutage);
            await rabbit.Broker.StartAgainAsync();
        });
        output.WriteLine($"RabbitMQ stopped {Nightly.LongOutage.TotalSeconds:0} s: {timings}");
    }

    [Fact]
    public async Task Directory_stopped_for_30_s_mid_stream_disables_no_technician_and_changes_follow_on_recovery()
    {
        await using var server = await SlapdServer.StartAsync();
        await using var stream = await DirectoryChangeStream.StartAsync(server, rabbit.Broker, "rel-slapd-stop30");
        var timings = await stream.RunAsync(async () =>
        {
            await server.StopAsync();
            // Checked twice: early in the outage and at its end, when every read for 30 s has failed.
            await Task.Delay(Nightly.LongOutage / 2);
            await stream.AssertNoUnexpectedDisableAsync();
            await Task.Delay(Nightly.LongOutage / 2);
            await stream.AssertNoUnexpectedDisableAsync();
            await server.StartAgainAsync();
        });
        output.WriteLine($"slapd stopped {Nightly.LongOutage.TotalSeconds:0} s: {timings}");
    }
}
