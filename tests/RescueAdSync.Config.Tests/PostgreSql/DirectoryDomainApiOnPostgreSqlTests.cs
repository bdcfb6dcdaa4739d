namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="DirectoryDomainApiTests"/>, against a real PostgreSQL.</summary>
public sealed class DirectoryDomainApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : DirectoryDomainApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
