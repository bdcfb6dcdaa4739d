namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="MappingsApiTests"/>, against a real PostgreSQL.</summary>
public sealed class MappingsApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : MappingsApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
