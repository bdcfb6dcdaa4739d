using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>The reader against a real slapd (memberof overlay), asserting the UserChanged messages that reach a real RabbitMQ.</summary>
[Collection(SlapdCollection.Name)]
public sealed class OpenLdapReaderTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private readonly string _ou = $"ou=r{Guid.NewGuid():N},{slapd.Server.BaseDn}";
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly Guid _mappingId = Guid.NewGuid();
    private LdapAdmin? _adminConnection;
    private UserChangedCapture? _captureConnection;

    private LdapAdmin Admin => _adminConnection ?? throw new InvalidOperationException("Not initialized.");

    private UserChangedCapture Capture => _captureConnection ?? throw new InvalidOperationException("Not initialized.");

    private string GroupDn => $"cn=techs,{_ou}";

    private string UserDn(string uid) => $"uid={uid},{_ou}";

    public async Task InitializeAsync()
    {
        _adminConnection = new LdapAdmin(slapd.Server.Url, slapd.Server.AdminDn, slapd.Server.AdminPassword);
        Admin.Add(_ou, ("objectClass", ["organizationalUnit"]));
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

    private void AddUser(string uid, string name, string mail) =>
        Admin.Add(UserDn(uid), ("objectClass", ["inetOrgPerson"]), ("uid", [uid]), ("cn", [name]), ("sn", [name.Split(' ')[^1]]), ("mail", [mail]));

    private FakeConfigApi Config(string? url = null) => new(
        new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [url ?? slapd.Server.Url], slapd.Server.AdminDn,
            slapd.Server.AdminPassword, slapd.Server.BaseDn, PollIntervalSeconds: 1),
        new Mapping(_mappingId, GroupDn, 42, false, true, DateTimeOffset.UtcNow));

    private long Version(string uid) => EntryCsn.ToVersion(Admin.Read(UserDn(uid), "entryCSN"));

    private string Id(string uid) => Admin.Read(UserDn(uid), "entryUUID");

    [Fact]
    public async Task Members_are_published_enabled_with_their_entryCSN_version_and_a_new_member_follows()
    {
        AddUser("alice", "Alice Anders", "alice@example.org");
        Admin.Add(GroupDn, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [UserDn("alice")]));
        await using var reader = await ReaderHost.StartAsync(Config(), rabbit.Broker);

        var first = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));
        Assert.Equal((Id("alice"), UserState.Enabled, "Alice Anders", "alice@example.org", Version("alice")),
            (first.DirectoryUserId, first.State, first.DisplayName, first.Email, first.Version));

        AddUser("bob", "Bob Brown", "bob@example.org");
        Admin.AddValue(GroupDn, "member", UserDn("bob"));

        var messages = await Capture.WaitForAsync(_mappingId, 2);
        Assert.Equal((Id("bob"), UserState.Enabled, "bob@example.org"), (messages[1].DirectoryUserId, messages[1].State, messages[1].Email));
        Assert.True(messages[1].Version > first.Version);
        await reader.PollsAsync();
        Assert.Equal(2, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task A_mail_change_is_published_with_a_higher_version()
    {
        AddUser("carol", "Carol Clark", "carol@example.org");
        Admin.Add(GroupDn, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [UserDn("carol")]));
        await using var reader = await ReaderHost.StartAsync(Config(), rabbit.Broker);
        var first = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));

        Admin.Replace(UserDn("carol"), "mail", "carol.clark@example.org");

        var second = (await Capture.WaitForAsync(_mappingId, 2))[1];
        Assert.Equal((first.DirectoryUserId, UserState.Enabled, "carol.clark@example.org", Version("carol")),
            (second.DirectoryUserId, second.State, second.Email, second.Version));
        Assert.True(second.Version > first.Version);
    }

    [Fact]
    public async Task Removal_from_the_group_is_out_of_scope_and_deletion_is_deleted()
    {
        AddUser("keeper", "Kim Keeper", "kim@example.org");
        AddUser("dave", "Dave Dunn", "dave@example.org");
        AddUser("erin", "Erin East", "erin@example.org");
        Admin.Add(GroupDn, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]),
            ("member", [UserDn("keeper"), UserDn("dave"), UserDn("erin")]));
        var ids = new[] { "keeper", "dave", "erin" }.ToDictionary(uid => uid, Id);
        await using var reader = await ReaderHost.StartAsync(Config(), rabbit.Broker);
        var initial = await Capture.WaitForAsync(_mappingId, 3);
        Assert.Equal(initial.OrderBy(m => m.Version), initial);

        Admin.RemoveValue(GroupDn, "member", UserDn("dave"));
        var removed = (await Capture.WaitForAsync(_mappingId, 4))[3];
        Admin.Delete(UserDn("erin"));
        var deleted = (await Capture.WaitForAsync(_mappingId, 5))[4];

        Assert.Equal((ids["dave"], UserState.OutOfScope, "dave@example.org"), (removed.DirectoryUserId, removed.State, removed.Email));
        Assert.Equal((ids["erin"], UserState.Deleted, "erin@example.org"), (deleted.DirectoryUserId, deleted.State, deleted.Email));
        Assert.True(removed.Version > initial.Max(m => m.Version));
        Assert.True(deleted.Version > removed.Version);
        await reader.PollsAsync();
        Assert.Equal(5, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task A_missing_group_publishes_nothing_and_writes_the_sync_log()
    {
        var config = Config();
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        await WaitUntilAsync(() => !config.SyncLog.IsEmpty);
        var entry = config.SyncLog.First();
        Assert.Equal((SyncLogLevel.Error, "ad-reader", _mappingId), (entry.Level, entry.Source, entry.MappingId));
        Assert.Contains("not found", entry.Message);
        Assert.Empty(Capture.For(_mappingId));
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the condition.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task OpenLdap_members_of_nested_groups_come_and_go_with_the_nesting_and_a_cycle_is_harmless()
    {
        using var admin = new LdapAdmin(slapd.Server.Url, slapd.Server.AdminDn, slapd.Server.AdminPassword);
        var ou = $"ou=n{_suffix},{slapd.Server.BaseDn}";
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
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Server.Url], slapd.Server.AdminDn,
                slapd.Server.AdminPassword, slapd.Server.BaseDn, PollIntervalSeconds: 1),
            new Mapping(_mappingId, outer, 1, false, true, DateTimeOffset.UtcNow, Nested: true));
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);

        var initial = await Capture.WaitForAsync(_mappingId, 2);
        Assert.Equal(["alice@example.org", "keeper@example.org"], initial.Select(m => m.Email).Order());
        Assert.All(initial, m => Assert.Equal(UserState.Enabled, m.State));

        admin.AddValue(inner, "member", User("bob"));
        var added = (await Capture.WaitForAsync(_mappingId, 3))[2];
        admin.RemoveValue(outer, "member", inner);
        var left = (await Capture.WaitForAsync(_mappingId, 5)).Skip(3).ToList();

        Assert.Equal(("bob@example.org", UserState.Enabled), (added.Email, added.State));
        Assert.Equal([("alice@example.org", UserState.OutOfScope), ("bob@example.org", UserState.OutOfScope)],
            left.Select(m => (m.Email, m.State)).Order());
        await reader.PollsAsync();
        Assert.Equal(5, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task A_restarted_reader_publishes_only_what_changed_while_it_was_down()
    {
        AddUser("gina", "Gina Gold", "gina@example.org");
        AddUser("hank", "Hank Hill", "hank@example.org");
        Admin.Add(GroupDn, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [UserDn("gina"), UserDn("hank")]));
        var store = new InMemoryReaderStateStore();
        var config = Config();
        await using (var reader = await ReaderHost.StartAsync(config, rabbit.Broker, stateStore: store))
        {
            await Capture.WaitForAsync(_mappingId, 2);
            Admin.Replace(UserDn("gina"), "mail", "gina.gold@example.org");
            await Capture.WaitForAsync(_mappingId, 3);
            // The state is stored after the publish is confirmed: stopped in between, the reader would rightly publish
            // gina's change again (at least once). This test is about what changed while it was down.
            await WaitUntilAsync(() => store.LoadAsync(_mappingId, CancellationToken.None).Result?.Users
                .TryGetValue(Id("gina"), out var gina) == true && gina.Email == "gina.gold@example.org");
        }

        Admin.Replace(UserDn("hank"), "mail", "hank.hill@example.org");
        await using var restarted = await ReaderHost.StartAsync(config, rabbit.Broker, stateStore: store);

        var after = (await Capture.WaitForAsync(_mappingId, 4))[3];
        Assert.Equal((Id("hank"), "hank.hill@example.org", Version("hank")), (after.DirectoryUserId, after.Email, after.Version));
        await restarted.PollsAsync();
        Assert.Equal(4, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task A_reader_restarted_on_the_state_stored_in_the_config_service_publishes_and_writes_only_what_changed()
    {
        AddUser("ivan", "Ivan Ives", "ivan@example.org");
        AddUser("jill", "Jill Jones", "jill@example.org");
        AddUser("kurt", "Kurt Kane", "kurt@example.org");
        Admin.Add(GroupDn, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [UserDn("ivan"), UserDn("jill"), UserDn("kurt")]));
        var config = Config();
        var settings = new Dictionary<string, string?> { ["Reader:StateStore"] = "ConfigService" };
        IReadOnlyList<(Guid MappingId, int Written, int Removed)> Writes() => [.. config.ReaderStateWrites.Where(w => w.MappingId == _mappingId)];
        await using (var reader = await ReaderHost.StartAsync(config, rabbit.Broker, settings))
        {
            await Capture.WaitForAsync(_mappingId, 3);
            await WaitUntilAsync(() => config.StoredUsers(_mappingId).Count == 3);
            Admin.Replace(UserDn("ivan"), "mail", "ivan.ives@example.org");
            await Capture.WaitForAsync(_mappingId, 4);
            await WaitUntilAsync(() => config.StoredUsers(_mappingId).TryGetValue(Id("ivan"), out var ivan) && ivan.Email == "ivan.ives@example.org");
        }
        // The first cycle wrote every user; the change one row.
        Assert.Equal((3, 0), (Writes()[0].Written, Writes()[0].Removed));
        Assert.Equal((1, 0), (Writes()[^1].Written, Writes()[^1].Removed));

        Admin.Replace(UserDn("jill"), "mail", "jill.jones@example.org");
        var before = Writes().Count;
        await using var restarted = await ReaderHost.StartAsync(config, rabbit.Broker, settings);

        var after = (await Capture.WaitForAsync(_mappingId, 5))[4];
        Assert.Equal((Id("jill"), "jill.jones@example.org"), (after.DirectoryUserId, after.Email));
        await WaitUntilAsync(() => config.StoredUsers(_mappingId)[Id("jill")].Email == "jill.jones@example.org");
        await restarted.PollsAsync();
        Assert.Equal(5, Capture.For(_mappingId).Count);
        Assert.Equal((1, 0), (Writes()[before].Written, Writes()[before].Removed));
        Assert.Equal(3, config.StoredUsers(_mappingId).Count);
    }

    [Fact]
    public async Task A_group_of_3000_members_is_read_across_pages_and_a_removal_is_the_only_change()
    {
        var uids = Enumerable.Range(0, 3000).Select(i => $"m{i:D4}").ToList();
        foreach (var uid in uids)
        {
            Admin.Add(UserDn(uid), ("objectClass", ["inetOrgPerson"]), ("uid", [uid]), ("cn", [uid]), ("sn", [uid]), ("mail", [$"{uid}@example.org"]));
        }
        Admin.Add(GroupDn, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", uids.Select(UserDn).ToArray()));
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
    public async Task A_renamed_user_keeps_its_entryUUID_and_is_published_with_the_new_name_and_dn()
    {
        AddUser("olga", "Olga Olsen", "olga@example.org");
        Admin.Add(GroupDn, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [UserDn("olga")]));
        var id = Id("olga");
        await using var reader = await ReaderHost.StartAsync(Config(), rabbit.Broker);
        var first = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));

        // modrdn: memberof's referential integrity rewrites the group's member value to the new DN.
        Admin.Rename(UserDn("olga"), "uid=olga.berg");
        Admin.Replace(UserDn("olga.berg"), "displayName", "Olga Berg");
        await WaitUntilAsync(() => Capture.For(_mappingId).Any(m => m.DisplayName == "Olga Berg"));
        await reader.PollsAsync();

        var messages = Capture.For(_mappingId);
        var renamed = messages[^1];
        Assert.Equal(id, first.DirectoryUserId);
        Assert.Equal((id, UserState.Enabled, "Olga Berg", UserDn("olga.berg"), Version("olga.berg")),
            (renamed.DirectoryUserId, renamed.State, renamed.DisplayName, renamed.DistinguishedName, renamed.Version));
        Assert.All(messages, m => Assert.Equal((id, UserState.Enabled), (m.DirectoryUserId, m.State)));
        Assert.Equal(messages.OrderBy(m => m.Version), messages);
        Assert.Equal(2, messages.Count);
    }

    [Fact]
    public async Task A_user_moved_out_of_the_base_dn_is_out_of_scope_and_back_in_is_enabled_as_the_same_user()
    {
        AddUser("ivan", "Ivan Ito", "ivan@example.org");
        Admin.Add(GroupDn, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [UserDn("ivan")]));
        var elsewhere = $"ou=elsewhere{_suffix},{slapd.Server.BaseDn}";
        Admin.Add(elsewhere, ("objectClass", ["organizationalUnit"]));
        var id = Id("ivan");
        var version = Version("ivan");
        var config = Config();
        // The mapping reads only the test's OU: the other OU is out of its scope although the user stays in the group
        // (memberof's referential integrity rewrites the member value to the new DN).
        config.Directory = config.Directory with { BaseDn = _ou };
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        var first = Assert.Single(await Capture.WaitForAsync(_mappingId, 1));

        Admin.Move(UserDn("ivan"), elsewhere);
        var movedOut = (await Capture.WaitForAsync(_mappingId, 2))[1];
        Admin.Move($"uid=ivan,{elsewhere}", _ou);
        var movedBack = (await Capture.WaitForAsync(_mappingId, 3))[2];

        Assert.Equal((id, UserState.Enabled, version), (first.DirectoryUserId, first.State, first.Version));
        Assert.Equal((id, UserState.OutOfScope, "ivan@example.org"), (movedOut.DirectoryUserId, movedOut.State, movedOut.Email));
        Assert.Equal((id, UserState.Enabled, UserDn("ivan")), (movedBack.DirectoryUserId, movedBack.State, movedBack.DistinguishedName));
        Assert.True(first.Version < movedOut.Version && movedOut.Version < movedBack.Version);
        await reader.PollsAsync();
        Assert.Equal(3, Capture.For(_mappingId).Count);
    }

    [Fact]
    public async Task The_configured_disabled_attribute_disables_the_user_and_its_removal_enables_it_again()
    {
        AddUser("paul", "Paul Park", "paul@example.org");
        AddUser("quinn", "Quinn Quay", "quinn@example.org");
        // Present with FALSE counts as not disabled, like a boolean flag of a site's own schema.
        Admin.Replace(UserDn("quinn"), "employeeType", "FALSE");
        Admin.Add(GroupDn, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [UserDn("paul"), UserDn("quinn")]));
        // The status attribute is the directory connection's setting.
        var config = Config();
        config.Directory = config.Directory with { DisabledAttribute = "employeeType" };
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        var initial = await Capture.WaitForAsync(_mappingId, 2);
        Assert.All(initial, m => Assert.Equal(UserState.Enabled, m.State));

        Admin.Replace(UserDn("paul"), "employeeType", "locked");
        var disabled = (await Capture.WaitForAsync(_mappingId, 3))[2];
        var disabledVersion = Version("paul");
        Admin.RemoveValue(UserDn("paul"), "employeeType", "locked");
        var enabled = (await Capture.WaitForAsync(_mappingId, 4))[3];

        Assert.Equal((Id("paul"), UserState.Disabled, disabledVersion), (disabled.DirectoryUserId, disabled.State, disabled.Version));
        Assert.Equal((Id("paul"), UserState.Enabled, Version("paul")), (enabled.DirectoryUserId, enabled.State, enabled.Version));
        Assert.True(initial.Max(m => m.Version) < disabled.Version && disabled.Version < enabled.Version);
        await reader.PollsAsync();
        Assert.Equal(4, Capture.For(_mappingId).Count);
    }
}
