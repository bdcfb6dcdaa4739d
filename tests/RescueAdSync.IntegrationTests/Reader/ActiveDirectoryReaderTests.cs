using System.Globalization;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>The reader against a real Samba AD DC, asserting the UserChanged messages that reach a real RabbitMQ.</summary>
[Collection(SambaCollection.Name)]
public sealed class ActiveDirectoryReaderTests(SambaFixture samba, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    /// <summary>NORMAL_ACCOUNT | PASSWD_NOTREQD: an enabled account created over plain LDAP without a password.</summary>
    private const string Enabled = "544";

    /// <summary>The same with ACCOUNTDISABLE.</summary>
    private const string Disabled = "546";
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly Guid _mappingId = Guid.NewGuid();
    private LdapAdmin? _adminConnection;
    private UserChangedCapture? _captureConnection;

    private LdapAdmin Admin => _adminConnection ?? throw new InvalidOperationException("Not initialized.");

    private UserChangedCapture Capture => _captureConnection ?? throw new InvalidOperationException("Not initialized.");

    private string Ou => $"OU=r{_suffix},{samba.Dc.BaseDn}";

    private string GroupDn => $"CN=techs{_suffix},{Ou}";

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

    private void AddUser(string name, string given, string surname, string mail, string uac = Enabled) =>
        Admin.Add(UserDn(name), ("objectClass", ["user"]), ("sAMAccountName", [$"{name}{_suffix}"]), ("givenName", [given]),
            ("sn", [surname]), ("mail", [mail]), ("userAccountControl", [uac]));

    private void AddGroup(params string[] members)
    {
        var attributes = new List<(string, string[])> { ("objectClass", ["group"]), ("sAMAccountName", [$"techs{_suffix}"]) };
        if (members.Length > 0)
        {
            attributes.Add(("member", members.Select(UserDn).ToArray()));
        }
        Admin.Add(GroupDn, [.. attributes]);
    }

    private FakeConfigApi Config() => new(
        new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [samba.Dc.Url], samba.Dc.AdminBindName,
            samba.Dc.AdminPassword, samba.Dc.BaseDn, PollIntervalSeconds: 1),
        new Mapping(_mappingId, GroupDn, 42, false, true, DateTimeOffset.UtcNow));

    private long Usn(string name) => long.Parse(Admin.Read(UserDn(name), "uSNChanged"), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Last_comma_first_names_stay_members_of_a_group_typed_with_another_escaping_when_they_change()
    {
        // Active Directory stores "Doe, John" as CN=Doe\, John; the operator typed the group with \2C and in capitals.
        string Person(string cn) => $"CN={cn},{Ou}";
        var storedGroup = $"CN=Help\\, Desk {_suffix},{Ou}";
        foreach (var (cn, login, mail) in new[] { ("Doe\\, John", "jdoe", "john.doe"), ("Roe\\, Jane", "jroe", "jane.roe") })
        {
            Admin.Add(Person(cn), ("objectClass", ["user"]), ("sAMAccountName", [$"{login}{_suffix}"]), ("sn", [cn[..3]]),
                ("mail", [$"{mail}{_suffix}@example.org"]), ("userAccountControl", [Enabled]));
        }

        Admin.Add(storedGroup, ("objectClass", ["group"]), ("sAMAccountName", [$"help{_suffix}"]),
            ("member", [Person("Doe\\, John"), Person("Roe\\, Jane")]));
        var typed = new FakeConfigApi(
            new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [samba.Dc.Url], samba.Dc.AdminBindName,
                samba.Dc.AdminPassword, samba.Dc.BaseDn, PollIntervalSeconds: 1),
            new Mapping(_mappingId, $"CN=HELP\\2C DESK {_suffix.ToUpperInvariant()},{Ou.ToUpperInvariant()}", 42, false, true, DateTimeOffset.UtcNow));
        await using var reader = await ReaderHost.StartAsync(typed, rabbit.Broker);
        var initial = await Capture.WaitForAsync(_mappingId, 2);
        Assert.All(initial, m => Assert.Equal(UserState.Enabled, m.State));

        // A change to a member is read incrementally: the member stays in the group, whatever the DN's escaping.
        Admin.Replace(Person("Doe\\, John"), "mail", $"john.doe.new{_suffix}@example.org");
        var changed = (await Capture.WaitForAsync(_mappingId, 3))[2];
        Assert.Equal(($"john.doe.new{_suffix}@example.org", UserState.Enabled), (changed.Email, changed.State));

        Admin.RemoveValue(storedGroup, "member", Person("Roe\\, Jane"));
        var removed = (await Capture.WaitForAsync(_mappingId, 4))[3];
        Assert.Equal(($"jane.roe{_suffix}@example.org", UserState.OutOfScope), (removed.Email, removed.State));
    }

    [Fact]
    public async Task A_user_created_in_the_group_is_published_enabled_with_objectGUID_and_uSNChanged()
    {
        AddGroup();
        await using var reader = await ReaderHost.StartAsync(Config(), rabbit.Broker);
        await reader.PollsAsync();
        Assert.Empty(Capture.For(_mappingId));

        AddUser("alice", "Alice", "Anders", "alice@example.org");
        Admin.AddValue(GroupDn, "member", UserDn("alice"));

        var message = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));
        Assert.Equal((Admin.ReadObjectGuid(UserDn("alice")), UserState.Enabled, "Alice Anders", "alice@example.org", Usn("alice")),
            (message.DirectoryUserId, message.State, message.DisplayName, message.Email, message.Version));
        Assert.Equal(UserDn("alice"), message.DistinguishedName);
    }

    [Fact]
    public async Task A_mail_change_then_disabling_are_published_in_version_order()
    {
        AddUser("bob", "Bob", "Brown", "bob@example.org");
        AddGroup("bob");
        await using var reader = await ReaderHost.StartAsync(Config(), rabbit.Broker);
        var first = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));

        Admin.Replace(UserDn("bob"), "mail", "bob.brown@example.org");
        var mailChanged = (await Capture.WaitForAsync(_mappingId, 2))[1];
        Admin.Replace(UserDn("bob"), "userAccountControl", Disabled);
        var disabled = (await Capture.WaitForAsync(_mappingId, 3))[2];

        Assert.Equal((UserState.Enabled, "bob@example.org"), (first.State, first.Email));
        Assert.Equal((UserState.Enabled, "bob.brown@example.org"), (mailChanged.State, mailChanged.Email));
        Assert.Equal((UserState.Disabled, "bob.brown@example.org", Usn("bob")), (disabled.State, disabled.Email, disabled.Version));
        Assert.True(first.Version < mailChanged.Version && mailChanged.Version < disabled.Version);
        await reader.PollsAsync();
        Assert.Equal(3, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task Removal_from_the_group_is_out_of_scope_and_deletion_is_deleted()
    {
        AddUser("carol", "Carol", "Clark", "carol@example.org");
        AddUser("dave", "Dave", "Dunn", "dave@example.org");
        AddGroup("carol", "dave");
        var carol = Admin.ReadObjectGuid(UserDn("carol"));
        var dave = Admin.ReadObjectGuid(UserDn("dave"));
        await using var reader = await ReaderHost.StartAsync(Config(), rabbit.Broker);
        var initial = await Capture.WaitForAsync(_mappingId, 2);
        Assert.Equal(initial.OrderBy(m => m.Version), initial);

        Admin.RemoveValue(GroupDn, "member", UserDn("carol"));
        var removed = (await Capture.WaitForAsync(_mappingId, 3))[2];
        Admin.Delete(UserDn("dave"));
        var deleted = (await Capture.WaitForAsync(_mappingId, 4))[3];

        Assert.Equal((carol, UserState.OutOfScope, "carol@example.org"), (removed.DirectoryUserId, removed.State, removed.Email));
        Assert.Equal((dave, UserState.Deleted, "dave@example.org"), (deleted.DirectoryUserId, deleted.State, deleted.Email));
        Assert.True(removed.Version > initial.Max(m => m.Version));
        Assert.True(deleted.Version > removed.Version);
        await reader.PollsAsync();
        Assert.Equal(4, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task An_unreachable_DC_publishes_no_out_of_scope_writes_the_sync_log_and_recovers()
    {
        AddUser("erin", "Erin", "East", "erin@example.org");
        AddGroup("erin");
        var config = Config();
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        Assert.Single(await Capture.WaitForAsync(_mappingId, 1));

        // Nothing listens on port 1 of this address: the DC is gone as far as the reader can tell.
        var reachable = config.Directory;
        config.Directory = reachable with { ServerUrls = ["ldap://127.0.0.4:1"] };
        await OpenLdapReaderTests.WaitUntilAsync(() => !config.SyncLog.IsEmpty);
        Admin.RemoveValue(GroupDn, "member", UserDn("erin"));
        await reader.PollsAsync();

        Assert.Single(Capture.For(_mappingId));
        var entry = config.SyncLog.First();
        Assert.Equal((SyncLogLevel.Error, "bind", _mappingId), (entry.Level, entry.Operation, entry.MappingId));
        Assert.All(config.SyncLog, e => Assert.DoesNotContain(samba.Dc.AdminPassword, e.Message));

        config.Directory = reachable;
        var recovered = (await Capture.WaitForAsync(_mappingId, 2))[1];
        Assert.Equal(UserState.OutOfScope, recovered.State);
    }

    [Fact]
    public async Task Active_directory_members_of_nested_groups_come_and_go_with_the_nesting_and_a_cycle_is_harmless()
    {
        using var admin = new LdapAdmin(samba.Dc.Url, samba.Dc.AdminBindName, samba.Dc.AdminPassword);
        var ou = $"OU=n{_suffix},{samba.Dc.BaseDn}";
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
            new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [samba.Dc.Url], samba.Dc.AdminBindName,
                samba.Dc.AdminPassword, samba.Dc.BaseDn, PollIntervalSeconds: 1),
            new Mapping(_mappingId, outer, 1, false, true, DateTimeOffset.UtcNow, Nested: true));
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        var initial = await Capture.WaitForAsync(_mappingId, 2);
        Assert.Equal(["alice@example.org", "keeper@example.org"], initial.Select(m => m.Email).Order());

        admin.AddValue(inner, "member", User("bob"));
        var added = (await Capture.WaitForAsync(_mappingId, 3))[2];
        admin.RemoveValue(outer, "member", inner);
        var left = (await Capture.WaitForAsync(_mappingId, 5)).Skip(3).ToList();

        Assert.Equal(("bob@example.org", UserState.Enabled), (added.Email, added.State));
        Assert.Equal([("alice@example.org", UserState.OutOfScope), ("bob@example.org", UserState.OutOfScope)],
            left.Select(m => (m.Email, m.State)).Order());
        Assert.True(left.Min(m => m.Version) > added.Version);
        await reader.PollsAsync();
        Assert.Equal(5, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task A_restarted_reader_publishes_only_what_changed_while_it_was_down()
    {
        AddUser("gina", "Gina", "Gold", "gina@example.org");
        AddUser("hank", "Hank", "Hill", "hank@example.org");
        AddGroup("gina", "hank");
        var store = new InMemoryReaderStateStore();
        var config = Config();
        await using (var reader = await ReaderHost.StartAsync(config, rabbit.Broker, stateStore: store))
        {
            await Capture.WaitForAsync(_mappingId, 2);
            Admin.Replace(UserDn("gina"), "mail", "gina.gold@example.org");
            await Capture.WaitForAsync(_mappingId, 3);
        }

        Admin.Replace(UserDn("hank"), "mail", "hank.hill@example.org");
        await using var restarted = await ReaderHost.StartAsync(config, rabbit.Broker, stateStore: store);

        var after = (await Capture.WaitForAsync(_mappingId, 4))[3];
        Assert.Equal((Admin.ReadObjectGuid(UserDn("hank")), "hank.hill@example.org", Usn("hank")), (after.DirectoryUserId, after.Email, after.Version));
        await restarted.PollsAsync();
        Assert.Equal(4, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task A_user_moved_out_of_the_base_dn_is_out_of_scope_and_back_in_is_enabled_as_the_same_user()
    {
        AddUser("ivan", "Ivan", "Ito", "ivan@example.org");
        AddGroup("ivan");
        var elsewhere = $"OU=elsewhere{_suffix},{samba.Dc.BaseDn}";
        Admin.Add(elsewhere, ("objectClass", ["organizationalUnit"]));
        var config = Config();
        // The mapping reads only the test's OU, so the other OU is out of its scope although the user stays in the group.
        config.Directory = config.Directory with { BaseDn = Ou };
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        var first = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));

        Admin.Move(UserDn("ivan"), elsewhere);
        var movedOut = (await Capture.WaitForAsync(_mappingId, 2))[1];
        Admin.Move($"CN=ivan,{elsewhere}", Ou);
        var movedBack = (await Capture.WaitForAsync(_mappingId, 3))[2];

        Assert.Equal((first.DirectoryUserId, UserState.OutOfScope), (movedOut.DirectoryUserId, movedOut.State));
        Assert.Equal((first.DirectoryUserId, UserState.Enabled), (movedBack.DirectoryUserId, movedBack.State));
        Assert.True(first.Version < movedOut.Version && movedOut.Version < movedBack.Version);
        await reader.PollsAsync();
        Assert.Equal(3, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task A_dead_first_server_fails_over_to_the_next_url_without_an_error()
    {
        AddUser("jane", "Jane", "Jones", "jane@example.org");
        AddGroup("jane");
        var config = Config();
        config.Directory = config.Directory with { ServerUrls = ["ldap://127.0.0.4:1", samba.Dc.Url] };
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        var message = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));
        Admin.Replace(UserDn("jane"), "mail", "jane.jones@example.org");
        var changed = (await Capture.WaitForAsync(_mappingId, 2))[1];

        Assert.Equal(UserState.Enabled, message.State);
        Assert.Equal("jane.jones@example.org", changed.Email);
        Assert.Empty(config.SyncLog);
    }

    [Fact]
    public async Task A_group_of_3000_members_is_read_across_pages_and_a_removal_is_the_only_change()
    {
        var names = Enumerable.Range(0, 3000).Select(i => $"m{i:D4}").ToList();
        foreach (var name in names)
        {
            Admin.Add(UserDn(name), ("objectClass", ["user"]), ("sAMAccountName", [$"{name}{_suffix}"]), ("mail", [$"{name}@example.org"]),
                ("userAccountControl", [Enabled]));
        }
        Admin.Add(GroupDn, ("objectClass", ["group"]), ("sAMAccountName", [$"techs{_suffix}"]), ("member", names.Select(UserDn).ToArray()));
        await using var reader = await ReaderHost.StartAsync(Config(), rabbit.Broker);

        var initial = await Capture.WaitForAsync(_mappingId, 3000, TimeSpan.FromSeconds(90));
        Assert.Equal(3000, initial.Select(m => m.DirectoryUserId).Distinct().Count());
        Assert.Equal(initial.OrderBy(m => m.Version), initial);

        Admin.RemoveValue(GroupDn, "member", UserDn("m1234"));
        var removed = (await Capture.WaitForAsync(_mappingId, 3001))[3000];
        Assert.Equal(("m1234@example.org", UserState.OutOfScope), (removed.Email, removed.State));
        await reader.PollsAsync();
        Assert.Equal(3001, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task Disabling_then_re_enabling_publishes_disabled_then_enabled_with_increasing_versions()
    {
        AddUser("kurt", "Kurt", "Kane", "kurt@example.org");
        AddGroup("kurt");
        await using var reader = await ReaderHost.StartAsync(Config(), rabbit.Broker);
        var first = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));

        Admin.Replace(UserDn("kurt"), "userAccountControl", Disabled);
        var disabled = (await Capture.WaitForAsync(_mappingId, 2))[1];
        var disabledUsn = Usn("kurt");
        Admin.Replace(UserDn("kurt"), "userAccountControl", Enabled);
        var enabled = (await Capture.WaitForAsync(_mappingId, 3))[2];

        Assert.Equal(UserState.Enabled, first.State);
        Assert.Equal((first.DirectoryUserId, UserState.Disabled, disabledUsn), (disabled.DirectoryUserId, disabled.State, disabled.Version));
        Assert.Equal((first.DirectoryUserId, UserState.Enabled, Usn("kurt")), (enabled.DirectoryUserId, enabled.State, enabled.Version));
        Assert.True(first.Version < disabled.Version && disabled.Version < enabled.Version);
        await reader.PollsAsync();
        Assert.Equal(3, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task A_renamed_user_keeps_its_objectGUID_and_is_published_with_the_new_name_and_dn()
    {
        AddUser("frank", "Frank", "Fox", "frank@example.org");
        AddGroup("frank");
        var guid = Admin.ReadObjectGuid(UserDn("frank"));
        await using var reader = await ReaderHost.StartAsync(Config(), rabbit.Broker);
        var first = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));

        // What an administrator's rename does over LDAP: a new RDN (the group's member value follows it), then the name.
        Admin.Rename(UserDn("frank"), "CN=franklin");
        Admin.Replace(UserDn("franklin"), "displayName", "Franklin Fox");
        await OpenLdapReaderTests.WaitUntilAsync(() => Capture.For(_mappingId).Any(m => m.DisplayName == "Franklin Fox"));
        await reader.PollsAsync();

        var messages = Capture.For(_mappingId);
        var renamed = messages[^1];
        Assert.Equal((guid, "Frank Fox"), (first.DirectoryUserId, first.DisplayName));
        Assert.Equal((guid, UserState.Enabled, "Franklin Fox", "frank@example.org", UserDn("franklin"), Usn("franklin")),
            (renamed.DirectoryUserId, renamed.State, renamed.DisplayName, renamed.Email, renamed.DistinguishedName, renamed.Version));
        // A rename is not a leave and a join: the same user, Enabled throughout, in version order.
        Assert.All(messages, m => Assert.Equal((guid, UserState.Enabled), (m.DirectoryUserId, m.State)));
        Assert.Equal(messages.OrderBy(m => m.Version), messages);
        Assert.Equal(2, messages.Count);
    }
}
