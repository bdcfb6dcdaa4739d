namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="ReaderStateApiTests"/>, against a real PostgreSQL.</summary>
public sealed class ReaderStateApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : ReaderStateApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
