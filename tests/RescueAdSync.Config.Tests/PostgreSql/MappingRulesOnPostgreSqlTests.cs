namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="MappingRulesTests"/>, against a real PostgreSQL.</summary>
public sealed class MappingRulesOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : MappingRulesTests(factory), IClassFixture<PostgresConfigApiFactory>;
