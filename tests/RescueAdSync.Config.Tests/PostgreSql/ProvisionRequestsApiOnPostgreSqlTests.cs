namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The same tests as <see cref="ProvisionRequestsApiTests"/>, against a real PostgreSQL.</summary>
public sealed class ProvisionRequestsApiOnPostgreSqlTests(PostgresConfigApiFactory factory)
    : ProvisionRequestsApiTests(factory), IClassFixture<PostgresConfigApiFactory>;
