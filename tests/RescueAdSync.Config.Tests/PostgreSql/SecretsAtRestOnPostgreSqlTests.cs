namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="SecretsAtRestTests"/>, against a real PostgreSQL.</summary>
public sealed class SecretsAtRestOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : SecretsAtRestTests(factory), IClassFixture<PostgresConfigApiFactory>;
