using System.Diagnostics;
using System.Text.RegularExpressions;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Infrastructure;

public sealed partial class ProcessSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_service_process_is_live_restarts_on_its_port_after_a_kill_and_is_gone_after_dispose()
    {
        var dll = RepoPaths.ServiceDll("rescue-emulator", "RescueAdSync.RescueEmulator");
        var started = Stopwatch.StartNew();
        var service = await ServiceProcess.StartAsync("smoke-emulator", dll, new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        output.WriteLine($"{service} live in {started.ElapsedMilliseconds} ms");
        using var http = new HttpClient { BaseAddress = new Uri(service.Url) };
        try
        {
            Assert.True((await http.GetAsync("/health/live")).IsSuccessStatusCode);

            service.Kill();
            Assert.False(await Tcp.AcceptsAsync("127.0.0.1", service.Port));
            await service.StartAgainAsync();
            Assert.True((await http.GetAsync("/health/live")).IsSuccessStatusCode);

            await service.StopAsync();
            Assert.False(await Tcp.AcceptsAsync("127.0.0.1", service.Port));
            await service.StartAgainAsync();
        }
        finally
        {
            await service.DisposeAsync();
        }

        Assert.False(await Tcp.AcceptsAsync("127.0.0.1", service.Port));
        Assert.Equal(3, Launches().Matches(service.Output).Count);
    }

    [Fact]
    public async Task PostgreSQL_answers_on_its_port_and_is_gone_after_dispose()
    {
        var started = Stopwatch.StartNew();
        var postgres = await PostgresServer.StartAsync();
        output.WriteLine($"PostgreSQL ({postgres.ConnectionString}) started in {started.ElapsedMilliseconds} ms");
        var port = int.Parse(PortOf().Match(postgres.ConnectionString).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Assert.True(await Tcp.AcceptsAsync("127.0.0.1", port));
        }
        finally
        {
            await postgres.DisposeAsync();
        }

        Assert.False(await Tcp.AcceptsAsync("127.0.0.1", port));
    }

    [GeneratedRegex("^----- smoke-emulator: dotnet", RegexOptions.Multiline)]
    private static partial Regex Launches();

    [GeneratedRegex(@"Port=(\d+)")]
    private static partial Regex PortOf();
}
