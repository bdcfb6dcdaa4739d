using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Distinctive secrets in every place an operator puts one, then changes and a refused user, then a scan of everything the
/// services emitted: process output, sync log, /metrics, the config API's answers and the emulator's call log.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class SecretLeakTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    // Distinctive enough that a hit can only be a leak; each half is also searched for, to catch a split or truncated secret.
    private const string MahPassword = "MahSecret-q7ZK3xW9vT";
    private const string DefaultPassword = "FirstLogin-p4RM8nB2sY";
    private const string BindPassword = "BindSecret-h6TJ5cV1wQ";

    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task No_secret_appears_in_output_sync_log_metrics_config_answers_or_the_emulator_call_log()
    {
        var server = slapd.Server;
        var ou = $"ou=sec{_id},{server.BaseDn}";
        var binder = $"uid=binder{_id},{ou}";
        var group = $"cn=techs{_id},{ou}";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        // The reader binds as an ordinary account with its own password, not as the directory's admin.
        ldap.Add(binder, ("objectClass", ["inetOrgPerson"]), ("cn", ["binder"]), ("sn", ["binder"]), ("userPassword", [BindPassword]));
        ldap.Add($"uid=ann{_id},{ou}", Person($"Ann {_id}", $"ann{_id}@example.org"));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [$"uid=ann{_id},{ou}"]));

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], binder, BindPassword, server.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartWithSecretsAsync(rabbit.Broker, directory, group, "rel-secrets", MahPassword, DefaultPassword);
        await stack.WaitForTechnicianAsync(t => t.Email == $"ann{_id}@example.org", "for ann");

        // A mail change, and a user whose mail Rescue refuses: an error goes to the sync log and the service logs.
        ldap.Replace($"uid=ann{_id},{ou}", "mail", $"ann.new{_id}@example.org");
        ldap.Add($"uid=bad{_id},{ou}", Person($"Bad {_id}", "not-an-email"));
        ldap.AddValue(group, "member", $"uid=bad{_id},{ou}");
        await stack.WaitForTechnicianAsync(t => t.Email == $"ann.new{_id}@example.org", "with ann's new mail");
        await stack.EventuallyAsync(async () => (await stack.GetSyncLogAsync()).Any(e => e.Level == SyncLogLevel.Error),
            "the refused user's sync-log entry");

        var secrets = new Dictionary<string, string>
        {
            ["MAH password"] = MahPassword,
            ["default password"] = DefaultPassword,
            ["bind password"] = BindPassword,
            ["service token"] = stack.ServiceToken,
            ["admin API key"] = stack.ApiKey("admin"),
            ["reader API key"] = stack.ApiKey("reader"),
            ["provisioner API key"] = stack.ApiKey("provisioner"),
        };
        var emitted = new Dictionary<string, string>();
        foreach (var service in stack.Services)
        {
            emitted[$"{service.Name} output"] = service.Output;
            emitted[$"{service.Name} /metrics"] = await stack.GetMetricsAsync(service);
        }
        emitted["emulator call log"] = await stack.GetEmulatorTextAsync("/admin/calls");
        // Every read the config API offers, with every role that may read it (the secret-serving /credentials endpoints aside:
        // handing the secret to its one consumer is their purpose).
        foreach (var (path, role) in new[]
        {
            ("/api/rescue-account", "admin"), ("/api/directory", "admin"), ("/api/directory", "reader"), ("/api/mappings", "admin"),
            ("/api/mappings", "provisioner"), ("/api/links", "admin"), ("/api/sync-log?take=500", "admin"),
            ($"/api/reader-state/{stack.MappingId}", "reader"), ("/openapi/v1.json", "admin"), ("/admin/", "admin"),
        })
        {
            var (status, body) = await stack.GetConfigTextAsync(path, stack.ApiKey(role));
            emitted[$"config GET {path} as {role} ({status})"] = body;
        }
        // Refusals carry no echo of a key either.
        var (_, refused) = await stack.GetConfigTextAsync("/api/rescue-account", "wrong-" + stack.ApiKey("admin"));
        emitted["config refusal of a wrong key"] = refused;

        var leaks = (from secret in secrets
                     from part in new[] { secret.Value, secret.Value[..(secret.Value.Length / 2)], secret.Value[(secret.Value.Length / 2)..] }
                     from place in emitted
                     where place.Value.Contains(part, StringComparison.OrdinalIgnoreCase)
                     select $"{secret.Key} (or half of it) in {place.Key}").Distinct().ToList();
        Assert.True(leaks.Count == 0, $"Secrets leaked:\n{string.Join("\n", leaks)}");
        // The scan scanned something: the sync log holds the refusal, the outputs hold the services' work.
        Assert.Contains(emitted, place => place.Key.StartsWith("config GET /api/sync-log", StringComparison.Ordinal) && place.Value.Contains("INVALIDPARAM_EMAIL", StringComparison.Ordinal));
    }

    private static (string, string[])[] Person(string name, string mail) =>
    [
        ("objectClass", ["inetOrgPerson"]),
        ("cn", [name]),
        ("sn", [name.Split(' ')[^1]]),
        ("displayName", [name]),
        ("mail", [mail]),
    ];
}
