namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="SyncLogApiTests"/>, against a real PostgreSQL.</summary>
public sealed class SyncLogApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : SyncLogApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
