namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="ResyncApiTests"/>, against a real PostgreSQL.</summary>
public sealed class ResyncApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : ResyncApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
