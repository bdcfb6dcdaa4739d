using System.Net;
using System.Security.Cryptography;
using Npgsql;

namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>
/// Two config services (replicas) on one PostgreSQL database: the failed-authentication limit is one limit for the
/// address, whichever replica the failures reach, and a valid key passes on both while the address is refused.
/// </summary>
public sealed class FailedAuthenticationAcrossReplicasTests
{
    private const string WrongKey = "wrong-key-wrong-key-wrong";

    [Fact]
    public async Task Wrong_keys_from_one_address_on_replica_A_then_B_are_counted_together_and_valid_keys_still_pass()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var secretsKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        using var a = Replica(connectionString, secretsKey);
        using var b = Replica(connectionString, secretsKey);
        var wrongOnA = a.ClientWithKey(WrongKey);
        var wrongOnB = b.ClientWithKey(WrongKey);

        // Limit 4: two failures on each replica use it up; per process, each would still allow two more.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrongOnA.GetAsync("/api/mappings")).StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrongOnB.GetAsync("/api/mappings")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await wrongOnA.GetAsync("/api/mappings")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await wrongOnB.GetAsync("/api/mappings")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.Reader.GetAsync("/api/mappings")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.Provisioner.GetAsync("/api/mappings")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.Admin.GetAsync("/api/mappings")).StatusCode);

        // The shared row: one window for the address holding every failure the two replicas counted.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"Count\" FROM auth_failure", connection);
        Assert.Equal(6, (int)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Concurrent_wrong_keys_on_two_replicas_are_each_counted_once()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var secretsKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        using var a = Replica(connectionString, secretsKey, limit: 100);
        using var b = Replica(connectionString, secretsKey, limit: 100);
        var clients = new[] { a.ClientWithKey(WrongKey), b.ClientWithKey(WrongKey) };
        // Start both services before the burst, so the burst races on the row and not on the migration.
        Assert.Equal(HttpStatusCode.Unauthorized, (await clients[0].GetAsync("/api/mappings")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await clients[1].GetAsync("/api/mappings")).StatusCode);

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => clients[i % 2].GetAsync("/api/mappings")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"Count\" FROM auth_failure", connection);
        Assert.Equal(42, (int)(await command.ExecuteScalarAsync())!);
    }

    private static ConfigApiFactory Replica(string connectionString, string secretsKey, int limit = 4)
    {
        var factory = new ConfigApiFactory();
        factory.Settings["Database:Provider"] = "PostgreSql";
        factory.Settings["ConnectionStrings:Config"] = connectionString;
        factory.Settings["Secrets:Key"] = secretsKey;
        factory.Settings["Auth:FailedAttemptsPerMinute"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return factory;
    }
}
