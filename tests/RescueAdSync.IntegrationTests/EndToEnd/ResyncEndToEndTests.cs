using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;

namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>Full resync on demand through the whole system: real slapd, RabbitMQ, config service, reader, provisioner and emulator.</summary>
[Collection(SlapdCollection.Name)]
public sealed class ResyncEndToEndTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Resync_repairs_a_name_and_a_status_changed_by_hand_in_Rescue_although_the_directory_did_not_change()
    {
        var server = slapd.Server;
        var ou = $"ou=resync{_id},{server.BaseDn}";
        var group = $"cn=techs{_id},{ou}";
        var alice = $"uid=alice{_id},{ou}";
        var bob = $"uid=bob{_id},{ou}";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        ldap.Add(alice, Person("Alice", "Anders", $"alice{_id}@example.org"));
        ldap.Add(bob, Person("Bob", "Baker", $"bob{_id}@example.org"));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [alice, bob]));

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn,
            server.AdminPassword, server.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "e2e-resync");
        var aliceTech = await stack.WaitForTechnicianAsync(t => t.Email == $"alice{_id}@example.org" && t.Status == "Enabled", "for alice");
        var bobTech = await stack.WaitForTechnicianAsync(t => t.Email == $"bob{_id}@example.org" && t.Status == "Enabled", "for bob");

        // A Rescue admin edits both by hand in the Admin Center: the directory knows nothing of it.
        await SetUserByHandAsync(stack, aliceTech.NodeId, "Hand Edited", aliceTech.Email, "Enabled");
        await SetUserByHandAsync(stack, bobTech.NodeId, bobTech.Name, bobTech.Email, "Disabled");
        var drifted = await stack.Emulator.GetTechniciansAsync();
        Assert.Equal("Hand Edited", drifted.Single(t => t.NodeId == aliceTech.NodeId).Name);
        Assert.Equal("Disabled", drifted.Single(t => t.NodeId == bobTech.NodeId).Status);

        var requested = await stack.ConfigAdmin.PostAsync($"/api/mappings/{stack.MappingId}/resync", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, requested.StatusCode);
        var request = (await requested.Content.ReadFromJsonAsync<ResyncRequest>())!;

        ResyncRequest? done = null;
        await stack.EventuallyAsync(async () =>
        {
            done = await stack.ConfigAdmin.GetFromJsonAsync<ResyncRequest>($"/api/resync-requests/{request.Id}");
            return done!.Status == ResyncStatus.Done;
        }, "the reader doing the resync");
        Assert.Equal(2, done!.Published);
        await stack.WaitForTechnicianAsync(t => t.NodeId == aliceTech.NodeId && t.Name == "Alice Anders" && t.Status == "Enabled", "alice's name repaired");
        await stack.WaitForTechnicianAsync(t => t.NodeId == bobTech.NodeId && t.Status == "Enabled", "bob enabled again");

        var technicians = await stack.Emulator.GetTechniciansAsync();
        Assert.Equal(2, technicians.Count);
        Assert.DoesNotContain(await stack.Emulator.GetCalledMethodsAsync(), m => m.Equals("deleteNode", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("RESYNC_DONE", (await stack.GetSyncLogAsync()).Select(e => e.ErrorCode));
    }

    /// <summary>What the Admin Center does: the MAH's own auth code, then setUser_v2 on the technician.</summary>
    internal static async Task SetUserByHandAsync(SyncStack stack, long nodeId, string name, string email, string status)
    {
        using var http = new HttpClient { BaseAddress = new Uri(stack.Service("rescue-emulator").Url) };
        var auth = await (await http.PostAsync("/API/requestAuthCode.aspx", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "mah@example.org",
            ["pwd"] = "Mah-Passw0rd!",
        }))).Content.ReadAsStringAsync();
        var code = auth.Split(["AUTHCODE:"], StringSplitOptions.None)[1].Trim();
        var answer = await (await http.PostAsync("/API/setUser_v2.aspx", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["node"] = nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["name"] = name,
            ["email"] = email,
            ["status"] = status,
            ["mobileaddon"] = "False",
            ["rpataddon"] = "False",
            ["authcode"] = code,
        }))).Content.ReadAsStringAsync();
        Assert.StartsWith("OK", answer);
    }

    private static (string, string[])[] Person(string given, string surname, string mail) =>
    [
        ("objectClass", ["inetOrgPerson"]),
        ("cn", [$"{given} {surname}"]),
        ("givenName", [given]),
        ("sn", [surname]),
        ("displayName", [$"{given} {surname}"]),
        ("mail", [mail]),
    ];
}
