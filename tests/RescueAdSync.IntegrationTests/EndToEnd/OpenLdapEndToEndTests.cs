using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;

namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>The whole system against a real slapd: directory change → RabbitMQ → Rescue emulator.</summary>
[Collection(SlapdCollection.Name)]
public sealed class OpenLdapEndToEndTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task User_in_mapped_group_becomes_enabled_technician_follows_mail_and_is_disabled_when_removed()
    {
        var server = slapd.Server;
        var ou = $"ou=e2e{_id},{server.BaseDn}";
        var alice = $"uid=alice{_id},{ou}";
        var keeper = $"uid=keeper{_id},{ou}";
        var group = $"cn=techs{_id},{ou}";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        // groupOfNames needs at least one member: a second user keeps the group valid when alice leaves.
        ldap.Add(keeper, Person("Keeper", "Kept", $"keeper{_id}@example.org"));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [keeper]));

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn,
            server.AdminPassword, server.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "e2e-ldap");

        ldap.Add(alice, Person("Alice", "Anders", $"alice{_id}@example.org"));
        ldap.AddValue(group, "member", alice);

        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"alice{_id}@example.org", "for alice");
        Assert.Equal(("Alice Anders", "Enabled", stack.TechnicianGroupId), (technician.Name, technician.Status, technician.ParentId));
        Assert.True(technician.MustChangePassword, "a new technician must change the default password at first login");
        Assert.True(technician.HasDefaultPassword);

        ldap.Replace(alice, "mail", $"alice.anders{_id}@example.org");
        await stack.WaitForTechnicianAsync(t => t.NodeId == technician.NodeId && t.Email == $"alice.anders{_id}@example.org",
            "with alice's new mail");

        ldap.RemoveValue(group, "member", alice);
        await stack.WaitForTechnicianAsync(t => t.NodeId == technician.NodeId && t.Status == "Disabled", "disabled after leaving the group");

        var technicians = await stack.Emulator.GetTechniciansAsync();
        Assert.Single(technicians, t => t.Email.StartsWith($"alice", StringComparison.Ordinal));
        Assert.DoesNotContain(technicians, t => t.Deleted);
        var methods = await stack.Emulator.GetCalledMethodsAsync();
        Assert.DoesNotContain(methods, m => m.Equals("deleteNode", StringComparison.OrdinalIgnoreCase) || m.Equals("moveNode", StringComparison.OrdinalIgnoreCase));
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
