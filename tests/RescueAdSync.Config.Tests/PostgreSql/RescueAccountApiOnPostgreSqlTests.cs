namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="RescueAccountApiTests"/>, against a real PostgreSQL.</summary>
public sealed class RescueAccountApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : RescueAccountApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
