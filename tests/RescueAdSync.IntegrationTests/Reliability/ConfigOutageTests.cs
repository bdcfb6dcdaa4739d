using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// The configuration store failing while directory changes stream in: the config service stopped for a period
/// (reader and provisioner go on with what they last fetched and retry what needs the service, such as links and the
/// watermark), and the config service on PostgreSQL with PostgreSQL restarted under it.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class ConfigOutageTests(SlapdFixture slapd, RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Config_service_stopped_mid_stream_and_started_again_loses_no_change_and_duplicates_no_technician()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-config-stop");
        var config = stream.Stack.Service("config");
        var timings = await stream.RunAsync(async () =>
        {
            await config.StopAsync();
            await Task.Delay(FaultToleranceTests.Outage);
            // Nothing the services did without their configuration store may have disabled anyone.
            await stream.AssertNoUnexpectedDisableAsync();
            await config.StartAgainAsync();
        });
        output.WriteLine($"config service stopped {FaultToleranceTests.Outage.TotalSeconds:0} s: {timings}");
        foreach (var service in new[] { "provisioner", "ad-reader" })
        {
            Assert.NotNull(stream.Stack.Service(service).ProcessId); // still running: an outage of the store is no reason to exit
        }
    }

    [Fact]
    public async Task Config_on_PostgreSQL_restarted_mid_stream_loses_no_change_and_duplicates_no_technician()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-config-pg",
            new Dictionary<string, string?>
            {
                ["Database__Provider"] = "PostgreSql",
                ["ConnectionStrings__Config"] = postgres.ConnectionString,
            });
        var timings = await stream.RunAsync(async () =>
        {
            await postgres.StopAsync();
            await Task.Delay(FaultToleranceTests.CrashPause);
            await stream.AssertNoUnexpectedDisableAsync();
            await postgres.StartAgainAsync();
        });
        output.WriteLine($"PostgreSQL under the config service restarted: {timings}");
        Assert.NotNull(stream.Stack.Service("config").ProcessId);
    }
}
