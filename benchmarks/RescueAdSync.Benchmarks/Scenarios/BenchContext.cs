using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>What every scenario shares: the options, the one broker of the run, and a log line writer.</summary>
public sealed record BenchContext(BenchOptions Options, RabbitMqBroker Broker, CancellationToken Cancellation)
{
    public static void Log(string message) => Console.Error.WriteLine($"{DateTimeOffset.Now:HH:mm:ss} [bench] {message}");
}
