using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>What every scenario shares: the options, the one broker of the run, and a log line writer.</summary>
public sealed record BenchContext(BenchOptions Options, RabbitMqBroker Broker, CancellationToken Cancellation, PostgresServer? Postgres = null)
{
    /// <summary>A fresh database on the run's PostgreSQL for one config service (created by its migrations), or null for SQLite.</summary>
    public string? ConfigPostgres(string name) =>
        Postgres is null ? null : $"{Postgres.ConnectionString.Replace("Database=postgres", "", StringComparison.Ordinal).TrimEnd(';')};Database=bench_{name}_{Guid.NewGuid():N}";

    public static void Log(string message) => Console.Error.WriteLine($"{DateTimeOffset.Now:HH:mm:ss} [bench] {message}");
}
