namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="LinksApiTests"/>, against a real PostgreSQL.</summary>
public sealed class LinksApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : LinksApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
