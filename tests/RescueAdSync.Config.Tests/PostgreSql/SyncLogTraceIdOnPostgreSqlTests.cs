namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="SyncLogTraceIdTests"/>, against a real PostgreSQL (its own SyncLogTraceId migration).</summary>
public sealed class SyncLogTraceIdOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : SyncLogTraceIdTests(factory), IClassFixture<PostgresConfigApiFactory>;
