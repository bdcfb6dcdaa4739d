namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="DirectoryApiTests"/>, against a real PostgreSQL.</summary>
public sealed class DirectoryApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : DirectoryApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
