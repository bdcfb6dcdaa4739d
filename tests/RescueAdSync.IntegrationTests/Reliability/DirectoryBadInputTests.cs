using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Odd directory values (control characters, a 300-character name, right-to-left text, an invalid mail) never stop the flow
/// or crash a service: a plain user added after them is still provisioned, every service stays live, and each odd user
/// ends as a correct technician or, for what Rescue refuses, a clear sync-log entry.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class DirectoryBadInputTests(SlapdFixture slapd, RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Odd_directory_values_never_stop_the_flow_RTL_names_sync_exactly_and_a_mail_Rescue_refuses_is_in_the_sync_log()
    {
        var (stack, users) = await StartWithOddUsersAsync();
        await using (stack)
        {
            // Users are provisioned in parallel (one at a time per user only): the plain one may overtake the RTL one.
            await stack.EventuallyAsync(async () => (await stack.Emulator.GetTechniciansAsync()).Any(t => t.Email == users["rtl"].Mail),
                "the technician of the right-to-left user", TimeSpan.FromSeconds(20));
            var technicians = await stack.Emulator.GetTechniciansAsync();
            var rtl = Assert.Single(technicians, t => t.Email == users["rtl"].Mail);
            Assert.Equal((users["rtl"].Name, "Enabled"), (rtl.Name, rtl.Status));

            await stack.EventuallyAsync(async () => (await stack.GetSyncLogAsync()).Any(e =>
                e.DirectoryUserId == users["nomail"].EntryUuid && e.ErrorCode == "INVALIDPARAM_EMAIL" && e.Level == SyncLogLevel.Error),
                "the sync-log entry of the user whose mail Rescue refuses", TimeSpan.FromSeconds(20));
            Assert.DoesNotContain(technicians, t => t.Name == users["nomail"].Name && t.Status == "Enabled");

            // Control characters and over-long names: whatever happens, never a technician with a mangled name.
            foreach (var key in new[] { "ctl", "long" })
            {
                var technician = technicians.SingleOrDefault(t => t.Email == users[key].Mail);
                Assert.True(technician is null || technician.Name == users[key].Name, $"{key}: technician with a changed name {technician}");
                output.WriteLine($"{key}: {(technician is null ? "no technician" : "technician")}; sync log: " +
                    string.Join(" | ", (await stack.GetSyncLogAsync()).Where(e => e.DirectoryUserId == users[key].EntryUuid).Select(e => e.Message)));
            }

            foreach (var service in stack.Services)
            {
                using var http = new HttpClient();
                Assert.True((await http.GetAsync($"{service.Url}/health/live")).IsSuccessStatusCode, $"{service.Name} is not live\n{stack.Output}");
            }
            Assert.DoesNotContain("Unhandled exception", stack.Output, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Members_skipped_for_control_characters_or_an_over_long_name_get_a_sync_log_entry()
    {
        var (stack, users) = await StartWithOddUsersAsync();
        await using (stack)
        {
            foreach (var key in new[] { "ctl", "long" })
            {
                await stack.EventuallyAsync(async () =>
                    (await stack.Emulator.GetTechniciansAsync()).Any(t => t.Email == users[key].Mail && t.Name == users[key].Name) ||
                    (await stack.GetSyncLogAsync()).Any(e => e.DirectoryUserId == users[key].EntryUuid && e.Message.Length > 0),
                    $"a technician or a sync-log entry for {key}", TimeSpan.FromSeconds(20));
            }
        }
    }

    /// <summary>A stack whose group holds the odd users and then a plain one; returns once the plain one is a technician.</summary>
    private async Task<(SyncStack Stack, Dictionary<string, (string Name, string Mail, string EntryUuid)> Users)> StartWithOddUsersAsync()
    {
        var server = slapd.Server;
        var ou = $"ou=bad{_id},{server.BaseDn}";
        var group = $"cn=techs{_id},{ou}";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        ldap.Add($"uid=keeper,{ou}", Person($"Keeper {_id}", $"keeper{_id}@example.org"));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [$"uid=keeper,{ou}"]));
        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn, server.AdminPassword,
            server.BaseDn, PollIntervalSeconds: 1);
        var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "rel-bad-input");
        try
        {
            await stack.WaitForTechnicianAsync(t => t.Email == $"keeper{_id}@example.org", "for the keeper");
            var odd = new (string Key, string Name, string Mail)[]
            {
                ("ctl", $"Ctl\u0001Name\u0007 {_id}", $"ctl{_id}@example.org"),
                ("long", $"{new string('L', 300)} {_id}", $"long{_id}@example.org"),
                ("rtl", $"שרה כהן مريم {_id}", $"rtl{_id}@example.org"),
                ("nomail", $"No Mail {_id}", "not an email"),
                ("plain", $"Plain {_id}", $"plain{_id}@example.org"),
            };
            using var connection = Ldap.Bind(server.Url, server.AdminDn, server.AdminPassword);
            var users = new Dictionary<string, (string, string, string)>();
            foreach (var (key, name, mail) in odd)
            {
                ldap.Add($"uid={key},{ou}", Person(name, mail));
                ldap.AddValue(group, "member", $"uid={key},{ou}");
                users[key] = (name, mail, (string)Ldap.Find(connection, $"uid={key},{ou}", "entryUUID")!.Attributes["entryUUID"][0]);
            }
            // The plain user is the last change: once it is a technician, the reader has read past all the odd ones.
            await stack.WaitForTechnicianAsync(t => t.Email == $"plain{_id}@example.org" && t.Status == "Enabled", "for the plain user after the odd ones");
            return (stack, users);
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private static (string, string[])[] Person(string name, string mail) =>
    [
        ("objectClass", ["inetOrgPerson"]),
        ("cn", [name]),
        ("sn", ["x"]),
        ("displayName", [name]),
        ("mail", [mail]),
    ];
}
