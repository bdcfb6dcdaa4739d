namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="HeldPlansApiTests"/>, against a real PostgreSQL.</summary>
public sealed class HeldPlansApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : HeldPlansApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
