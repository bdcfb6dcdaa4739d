using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// Priority across two mappings and the attribute mapping against a real Samba AD DC. In AD, joining or leaving a group
/// changes the group, not the user (uSNChanged stays), so a user moving between mappings must still get a higher version.
/// </summary>
[Collection(SambaCollection.Name)]
public sealed class ActiveDirectoryMappingRulesReaderTests(SambaFixture samba, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private LdapAdmin? _adminConnection;
    private UserChangedCapture? _captureConnection;

    private LdapAdmin Admin => _adminConnection ?? throw new InvalidOperationException("Not initialized.");

    private UserChangedCapture Capture => _captureConnection ?? throw new InvalidOperationException("Not initialized.");

    private string Ou => $"OU=p{_suffix},{samba.Dc.BaseDn}";

    private string UserDn(string name) => $"CN={name},{Ou}";

    public async Task InitializeAsync()
    {
        _adminConnection = new LdapAdmin(samba.Dc.Url, samba.Dc.AdminBindName, samba.Dc.AdminPassword);
        Admin.Add(Ou, ("objectClass", ["organizationalUnit"]));
        _captureConnection = await UserChangedCapture.StartAsync(rabbit.Broker);
    }

    public async Task DisposeAsync()
    {
        if (_captureConnection is not null)
        {
            await _captureConnection.DisposeAsync();
        }
        _adminConnection?.Dispose();
    }

    private string AddUser(string name, string mail, params (string Name, string[] Values)[] extra)
    {
        Admin.Add(UserDn(name), [("objectClass", ["user"]), ("sAMAccountName", [$"{name}{_suffix}"]), ("givenName", [name]), ("sn", ["Tester"]),
            ("mail", [mail]), ("userAccountControl", ["544"]), .. extra]);
        return Admin.ReadObjectGuid(UserDn(name));
    }

    private string AddGroup(string name, params string[] members)
    {
        var dn = $"CN={name}{_suffix},{Ou}";
        var attributes = new List<(string, string[])> { ("objectClass", ["group"]), ("sAMAccountName", [$"{name}{_suffix}"]) };
        if (members.Length > 0)
        {
            attributes.Add(("member", members.Select(UserDn).ToArray()));
        }
        Admin.Add(dn, [.. attributes]);
        return dn;
    }

    private FakeConfigApi Config(params Mapping[] mappings) => new(
        new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [samba.Dc.Url], samba.Dc.AdminBindName, samba.Dc.AdminPassword,
            samba.Dc.BaseDn, PollIntervalSeconds: 1),
        mappings);

    private static Mapping Map(string groupDn, int priority, string? name = null, string? email = null) =>
        new(Guid.NewGuid(), groupDn, 42, false, true, DateTimeOffset.UtcNow, DirectoryNames.Default, false, name, email, priority);

    private async Task<IReadOnlyList<UserChanged>> ExactlyAsync(ReaderHost reader, Guid mappingId, int count)
    {
        var messages = await Capture.WaitForAsync(mappingId, count, TimeSpan.FromSeconds(60));
        await reader.PollsAsync();
        Assert.Equal(count, Capture.For(mappingId).Count);
        return messages.Take(count).ToList();
    }

    [Fact]
    public async Task A_user_in_two_mapped_groups_belongs_to_the_first_by_priority_and_moves_with_higher_versions()
    {
        var alice = AddUser("alice", "alice@example.org");
        var bob = AddUser("bob", "bob@example.org");
        var first = Map(AddGroup("first", "alice"), 10);
        var second = Map(AddGroup("second", "alice", "bob"), 20);
        await using var reader = await ReaderHost.StartAsync(Config(second, first), rabbit.Broker);

        var a1 = Assert.Single(await ExactlyAsync(reader, first.Id, 1));
        var b2 = Assert.Single(await ExactlyAsync(reader, second.Id, 1));
        Assert.Equal((alice, bob), (a1.DirectoryUserId, b2.DirectoryUserId));

        // Bob joins the first group: his own uSNChanged does not move, yet the first mapping's message outranks the second's.
        Admin.AddValue(first.SourceGroupDn, "member", UserDn("bob"));
        var b1 = (await ExactlyAsync(reader, first.Id, 2))[1];
        Assert.Equal((bob, UserState.Enabled), (b1.DirectoryUserId, b1.State));
        Assert.True(b1.Version > b2.Version);
        Assert.Single(Capture.For(second.Id));

        // Alice leaves the first group: no OutOfScope, the second mapping takes her, with a higher version.
        Admin.RemoveValue(first.SourceGroupDn, "member", UserDn("alice"));
        var a2 = (await ExactlyAsync(reader, second.Id, 2))[1];
        Assert.Equal((alice, UserState.Enabled), (a2.DirectoryUserId, a2.State));
        Assert.True(a2.Version > a1.Version);
        Assert.Equal(2, Capture.For(first.Id).Count);
    }

    [Fact]
    public async Task Name_and_email_come_from_the_mappings_attributes()
    {
        var carol = AddUser("carol", "carol@example.org", ("displayName", ["Carol Display"]), ("department", ["Carol From Department"]));
        var mapping = Map(AddGroup("attrs", "carol"), 10, name: "department", email: "userPrincipalName");
        Admin.Replace(UserDn("carol"), "userPrincipalName", $"carol{_suffix}@example.org");

        await using var reader = await ReaderHost.StartAsync(Config(mapping), rabbit.Broker);

        var message = Assert.Single(await ExactlyAsync(reader, mapping.Id, 1));
        Assert.Equal((carol, "Carol From Department", $"carol{_suffix}@example.org"), (message.DirectoryUserId, message.DisplayName, message.Email));
    }
}
