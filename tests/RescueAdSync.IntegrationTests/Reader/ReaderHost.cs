using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>The reader, wired exactly as Program.cs wires it, hosted in-process against a <see cref="FakeConfigApi"/>.</summary>
public sealed class ReaderHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ReaderHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    /// <param name="config">The config service as the reader sees it.</param>
    /// <param name="broker">The broker the reader publishes to.</param>
    /// <param name="settings">Extra configuration, e.g. Reader:Directory.</param>
    /// <param name="stateStore">A state store that outlives this host, to restart the reader on the same state.</param>
    /// <param name="configure">Last changes to the host before it is built (a log capture, a replaced service).</param>
    public static async Task<ReaderHost> StartAsync(FakeConfigApi config, RabbitMqBroker broker,
        IReadOnlyDictionary<string, string?>? settings = null, IReaderStateStore? stateStore = null,
        Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConfigService:Url"] = "http://config.invalid",
            ["ConfigService:ApiKey"] = "unused",
            // In-process tests keep state in memory unless they pass a store; the config service is faked.
            ["Reader:StateStore"] = "Memory",
            ["RabbitMq:Host"] = broker.Host,
            ["RabbitMq:Port"] = broker.AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RabbitMq:Username"] = broker.Username,
            ["RabbitMq:Password"] = broker.Password,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults("ad-reader");
        builder.AddConfigClient();
        builder.AddMessaging(bus => bus.AddReaderConsumers());
        builder.AddReader();
        // Registered last, so it wins over the Refit client.
        builder.Services.AddSingleton<IConfigApi>(config);
        if (stateStore is not null)
        {
            builder.Services.AddSingleton(stateStore);
        }
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.StartAsync();
        return new ReaderHost(host);
    }

    /// <summary>
    /// Waits until the reader has ended <paramref name="polls"/> more polls, the second of which started after this call:
    /// whatever it would publish for the directory as it was has been published. The way to assert that nothing else
    /// comes, with no fixed sleep that a busy machine could outlast.
    /// </summary>
    public async Task PollsAsync(int polls = 2)
    {
        var health = Services.GetRequiredService<ReaderHealth>();
        var target = health.Polls + polls;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (health.Polls < target)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
