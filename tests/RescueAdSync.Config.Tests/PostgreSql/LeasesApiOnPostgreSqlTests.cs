namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="LeasesApiTests"/>, against a real PostgreSQL.</summary>
public sealed class LeasesApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : LeasesApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
