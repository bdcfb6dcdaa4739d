namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="SecretRedactionTests"/>, against a real PostgreSQL.</summary>
public sealed class SecretRedactionOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : SecretRedactionTests(factory), IClassFixture<PostgresConfigApiFactory>;
