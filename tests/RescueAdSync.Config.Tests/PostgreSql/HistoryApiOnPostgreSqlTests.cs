namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="HistoryApiTests"/>, against a real PostgreSQL.</summary>
public sealed class HistoryApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : HistoryApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
