using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>Members through nested groups (Reader:NestedGroups): AD's in-chain rule, OpenLDAP's client-side flattening; cycles included.</summary>
public sealed class NestedGroupReaderTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Nested = new() { ["Reader:NestedGroups"] = "true" };
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly Guid _mappingId = Guid.NewGuid();
    private UserChangedCapture _capture = null!;

    public async Task InitializeAsync() => _capture = await UserChangedCapture.StartAsync(ReaderTestEnvironment.AmqpPort);

    public async Task DisposeAsync() => await _capture.DisposeAsync();

    [Fact]
    public async Task OpenLdap_members_of_nested_groups_come_and_go_with_the_nesting_and_a_cycle_is_harmless()
    {
        using var admin = new LdapAdmin(ReaderTestEnvironment.SlapdUrl, ReaderTestEnvironment.SlapdAdminDn, ReaderTestEnvironment.SlapdPassword);
        var ou = $"ou=n{_suffix},{ReaderTestEnvironment.SlapdSuffix}";
        string User(string uid) => $"uid={uid},{ou}";
        admin.Add(ou, ("objectClass", ["organizationalUnit"]));
        foreach (var uid in new[] { "keeper", "alice", "bob" })
        {
            admin.Add(User(uid), ("objectClass", ["inetOrgPerson"]), ("uid", [uid]), ("cn", [uid]), ("sn", [uid]), ("mail", [$"{uid}@example.org"]));
        }
        var outer = $"cn=outer,{ou}";
        var inner = $"cn=inner,{ou}";
        admin.Add(inner, ("objectClass", ["groupOfNames"]), ("cn", ["inner"]), ("member", [User("alice")]));
        admin.Add(outer, ("objectClass", ["groupOfNames"]), ("cn", ["outer"]), ("member", [User("keeper"), inner]));
        // A cycle: inner ⊃ outer ⊃ inner.
        admin.AddValue(inner, "member", outer);
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [ReaderTestEnvironment.SlapdUrl], ReaderTestEnvironment.SlapdAdminDn,
                ReaderTestEnvironment.SlapdPassword, ReaderTestEnvironment.SlapdSuffix, PollIntervalSeconds: 1),
            new Mapping(_mappingId, outer, 1, false, true, DateTimeOffset.UtcNow));
        await using var reader = await ReaderHost.StartAsync(config, ReaderTestEnvironment.AmqpPort, Nested);

        var initial = await _capture.WaitForAsync(_mappingId, 2);
        Assert.Equal(["alice@example.org", "keeper@example.org"], initial.Select(m => m.Email).Order());
        Assert.All(initial, m => Assert.Equal(UserState.Enabled, m.State));

        admin.AddValue(inner, "member", User("bob"));
        var added = (await _capture.WaitForAsync(_mappingId, 3))[2];
        admin.RemoveValue(outer, "member", inner);
        var left = (await _capture.WaitForAsync(_mappingId, 5)).Skip(3).ToList();

        Assert.Equal(("bob@example.org", UserState.Enabled), (added.Email, added.State));
        Assert.Equal([("alice@example.org", UserState.OutOfScope), ("bob@example.org", UserState.OutOfScope)],
            left.Select(m => (m.Email, m.State)).Order());
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(5, _capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task Active_directory_members_of_nested_groups_come_and_go_with_the_nesting_and_a_cycle_is_harmless()
    {
        using var admin = new LdapAdmin(ReaderTestEnvironment.SambaUrl, ReaderTestEnvironment.SambaAdmin, ReaderTestEnvironment.SambaPassword);
        var ou = $"OU=n{_suffix},{ReaderTestEnvironment.SambaBaseDn}";
        string User(string name) => $"CN={name},{ou}";
        admin.Add(ou, ("objectClass", ["organizationalUnit"]));
        foreach (var name in new[] { "keeper", "alice", "bob" })
        {
            admin.Add(User(name), ("objectClass", ["user"]), ("sAMAccountName", [$"{name}{_suffix}"]), ("mail", [$"{name}@example.org"]),
                ("userAccountControl", ["544"]));
        }
        var outer = $"CN=outer{_suffix},{ou}";
        var inner = $"CN=inner{_suffix},{ou}";
        admin.Add(inner, ("objectClass", ["group"]), ("sAMAccountName", [$"inner{_suffix}"]), ("member", [User("alice")]));
        admin.Add(outer, ("objectClass", ["group"]), ("sAMAccountName", [$"outer{_suffix}"]), ("member", [User("keeper"), inner]));
        admin.AddValue(inner, "member", outer);
        var config = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [ReaderTestEnvironment.SambaUrl], ReaderTestEnvironment.SambaAdmin,
                ReaderTestEnvironment.SambaPassword, ReaderTestEnvironment.SambaBaseDn, PollIntervalSeconds: 1),
            new Mapping(_mappingId, outer, 1, false, true, DateTimeOffset.UtcNow));
        await using var reader = await ReaderHost.StartAsync(config, ReaderTestEnvironment.AmqpPort, Nested);

        var initial = await _capture.WaitForAsync(_mappingId, 2);
        Assert.Equal(["alice@example.org", "keeper@example.org"], initial.Select(m => m.Email).Order());

        admin.AddValue(inner, "member", User("bob"));
        var added = (await _capture.WaitForAsync(_mappingId, 3))[2];
        admin.RemoveValue(outer, "member", inner);
        var left = (await _capture.WaitForAsync(_mappingId, 5)).Skip(3).ToList();

        Assert.Equal(("bob@example.org", UserState.Enabled), (added.Email, added.State));
        Assert.Equal([("alice@example.org", UserState.OutOfScope), ("bob@example.org", UserState.OutOfScope)],
            left.Select(m => (m.Email, m.State)).Order());
        Assert.True(left.Min(m => m.Version) > added.Version);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(5, _capture.For(_mappingId).Count);
    }
}
