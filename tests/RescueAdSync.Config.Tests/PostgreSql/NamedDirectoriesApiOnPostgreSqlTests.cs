namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="NamedDirectoriesApiTests"/>, against a real PostgreSQL.</summary>
public sealed class NamedDirectoriesApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : NamedDirectoriesApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
