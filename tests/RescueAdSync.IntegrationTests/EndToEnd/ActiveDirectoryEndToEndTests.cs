using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;

namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>The whole system against a real Samba AD DC: directory change → RabbitMQ → Rescue emulator.</summary>
[Collection(SambaCollection.Name)]
public sealed class ActiveDirectoryEndToEndTests(SambaFixture samba, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task User_in_mapped_group_becomes_enabled_technician_follows_mail_and_is_disabled_with_userAccountControl()
    {
        var dc = samba.Dc;
        var ou = $"OU=e2e{_id},{dc.BaseDn}";
        var group = $"CN=techs{_id},{ou}";
        var user = $"alice{_id}";
        using var ldap = new LdapAdmin(dc.Url, dc.AdminBindName, dc.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        ldap.Add(group, ("objectClass", ["group"]), ("sAMAccountName", [$"techs{_id}"]));

        var directory = new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [dc.Url], dc.AdminBindName,
            dc.AdminPassword, dc.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "e2e-ad");

        // As a directory administrator does it: samba-tool creates an enabled account with a password.
        await dc.SambaToolAsync("user", "create", user, "Passw0rd!a", "--given-name=Alice", "--surname=Anders",
            $"--mail-address={user}@example.org", $"--userou=OU=e2e{_id}");
        await dc.SambaToolAsync("group", "addmembers", $"techs{_id}", user);

        var technician = await stack.WaitForTechnicianAsync(t => t.Email == $"{user}@example.org", "for alice");
        Assert.Equal(("Alice Anders", "Enabled", stack.TechnicianGroupId), (technician.Name, technician.Status, technician.ParentId));
        Assert.True(technician.MustChangePassword, "a new technician must change the default password at first login");

        var dn = $"CN=Alice Anders,{ou}";
        ldap.Replace(dn, "mail", $"alice.anders{_id}@example.org");
        await stack.WaitForTechnicianAsync(t => t.NodeId == technician.NodeId && t.Email == $"alice.anders{_id}@example.org",
            "with alice's new mail");

        await dc.SambaToolAsync("user", "disable", user);
        await stack.WaitForTechnicianAsync(t => t.NodeId == technician.NodeId && t.Status == "Disabled", "disabled after userAccountControl");

        var technicians = await stack.Emulator.GetTechniciansAsync();
        Assert.Single(technicians, t => t.Email.StartsWith("alice", StringComparison.Ordinal));
        Assert.DoesNotContain(technicians, t => t.Deleted);
    }
}
