using System.Net;
using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;

namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>Provision on demand through the whole system: real slapd, RabbitMQ, config service, reader, provisioner and emulator.</summary>
[Collection(SlapdCollection.Name)]
public sealed class ProvisionOnDemandEndToEndTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_member_is_provisioned_now_with_the_result_and_unknown_or_outside_users_fail_with_a_clear_error()
    {
        var server = slapd.Server;
        var ou = $"ou=prov{_id},{server.BaseDn}";
        var group = $"cn=techs{_id},{ou}";
        var alice = $"uid=alice{_id},{ou}";
        var carol = $"uid=carol{_id},{ou}";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        ldap.Add(alice, Person("Alice", "Anders", $"alice{_id}@example.org"));
        ldap.Add(carol, Person("Carol", "Clark", $"carol{_id}@example.org"));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [alice]));

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn,
            server.AdminPassword, server.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "e2e-provision");
        var aliceTech = await stack.WaitForTechnicianAsync(t => t.Email == $"alice{_id}@example.org" && t.Status == "Enabled", "for alice");

        // A Rescue admin disabled alice by hand; the directory did not change, so no cycle would touch her.
        await ResyncEndToEndTests.SetUserByHandAsync(stack, aliceTech.NodeId, aliceTech.Name, aliceTech.Email, "Disabled");

        // By uid: applied now, with the result on the request.
        var done = await ProvisionAsync(stack, $"alice{_id}");
        Assert.Equal((ProvisionStatus.Done, "Enabled", aliceTech.NodeId, (string?)null), (done.Status, done.Outcome, done.TechnicianNodeId, done.Error));
        Assert.NotNull(done.DirectoryUserId);
        await stack.WaitForTechnicianAsync(t => t.NodeId == aliceTech.NodeId && t.Status == "Enabled", "alice enabled again");

        // By mail, already right: unchanged, same technician, never a second one.
        var again = await ProvisionAsync(stack, $"alice{_id}@example.org");
        Assert.Equal((ProvisionStatus.Done, "Unchanged", aliceTech.NodeId), (again.Status, again.Outcome, again.TechnicianNodeId));

        // Unknown user; a filter metacharacter is escaped (RFC 4515), not a wildcard matching everyone.
        var unknown = await ProvisionAsync(stack, "nobody" + _id);
        Assert.Equal(ProvisionStatus.Failed, unknown.Status);
        Assert.Contains($"No user 'nobody{_id}'", unknown.Error);
        var star = await ProvisionAsync(stack, "*");
        Assert.Equal(ProvisionStatus.Failed, star.Status);
        Assert.Contains("No user '*'", star.Error);

        // In the directory but not in the mapping's group: refused, nothing created.
        var outside = await ProvisionAsync(stack, carol);
        Assert.Equal(ProvisionStatus.Failed, outside.Status);
        Assert.Contains("is not a member of the mapping's group", outside.Error);

        var technicians = await stack.Emulator.GetTechniciansAsync();
        Assert.Single(technicians);
        var log = (await stack.GetSyncLogAsync()).Select(e => e.ErrorCode).ToList();
        Assert.Contains("PROVISION_DONE", log);
        Assert.Contains("PROVISION_FAILED", log);
    }

    private static async Task<ProvisionRequest> ProvisionAsync(SyncStack stack, string user)
    {
        var response = await stack.ConfigAdmin.PostAsJsonAsync("/api/provision-requests", new NewProvisionRequest(user, stack.MappingId));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var request = (await response.Content.ReadFromJsonAsync<ProvisionRequest>())!;
        ProvisionRequest? state = null;
        await stack.EventuallyAsync(async () =>
        {
            state = await stack.ConfigAdmin.GetFromJsonAsync<ProvisionRequest>($"/api/provision-requests/{request.Id}");
            return state!.Status is ProvisionStatus.Done or ProvisionStatus.Failed;
        }, $"provision request for '{user}' finished");
        return state!;
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
