using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// Per-mapping rules from the config service against a real slapd and RabbitMQ: nested flag, attribute
/// mapping, priority across two mappings, and two directory connections served by two readers.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class MappingRulesReaderTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private readonly string _ou = $"ou=m{Guid.NewGuid():N},{slapd.Server.BaseDn}";
    private LdapAdmin? _adminConnection;
    private UserChangedCapture? _captureConnection;

    private LdapAdmin Admin => _adminConnection ?? throw new InvalidOperationException("Not initialized.");

    private UserChangedCapture Capture => _captureConnection ?? throw new InvalidOperationException("Not initialized.");

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

    private string User(string uid, string? ou = null) => $"uid={uid},{ou ?? _ou}";

    private string AddUser(string uid, string name, string mail, string? ou = null, params (string Name, string[] Values)[] extra)
    {
        Admin.Add(User(uid, ou), [("objectClass", ["inetOrgPerson"]), ("uid", [uid]), ("cn", [name]), ("sn", [name.Split(' ')[^1]]), ("mail", [mail]), .. extra]);
        return Admin.Read(User(uid, ou), "entryUUID");
    }

    private string AddGroup(string cn, string? ou = null, params string[] members)
    {
        var dn = $"cn={cn},{ou ?? _ou}";
        Admin.Add(dn, ("objectClass", ["groupOfNames"]), ("cn", [cn]), ("member", members));
        return dn;
    }

    private DirectoryConnectionSettings Directory(string? baseDn = null) => new(DirectoryKind.OpenLdap, [slapd.Server.Url], slapd.Server.AdminDn,
        slapd.Server.AdminPassword, baseDn ?? slapd.Server.BaseDn, PollIntervalSeconds: 1);

    private static Mapping Map(string groupDn, int priority, bool nested = false, string? name = null, string? email = null, string directory = "default") =>
        new(Guid.NewGuid(), groupDn, 42, false, true, DateTimeOffset.UtcNow, directory, nested, name, email, priority);

    /// <summary>Waits for the count, then checks that nothing more arrives while the reader polls twice more.</summary>
    private async Task<IReadOnlyList<UserChanged>> ExactlyAsync(ReaderHost reader, Guid mappingId, int count)
    {
        var messages = await Capture.WaitForAsync(mappingId, count, TimeSpan.FromSeconds(60));
        await reader.PollsAsync();
        Assert.Equal(count, Capture.For(mappingId).Count);
        return messages.Take(count).ToList();
    }

    [Fact]
    public async Task The_nested_flag_is_per_mapping()
    {
        var deep = AddUser("deep", "Deep Down", "deep@example.org");
        var top = AddUser("top", "Top Level", "top@example.org");
        var inner1 = AddGroup("inner1", null, User("deep"));
        var inner2 = AddGroup("inner2", null, User("deep"));
        var nested = Map(AddGroup("outer1", null, User("top"), inner1), 10, nested: true);
        var flat = Map(AddGroup("outer2", null, User("top"), inner2), 20, nested: false);
        // Different users in the two groups, so that priority does not decide anything here.
        Admin.RemoveValue(flat.SourceGroupDn, "member", User("top"));
        var other = AddUser("other", "Other One", "other@example.org");
        Admin.AddValue(flat.SourceGroupDn, "member", User("other"));

        await using var reader = await ReaderHost.StartAsync(new FakeConfigApi(Directory(), nested, flat), rabbit.Broker);

        Assert.Equal([deep, top], (await ExactlyAsync(reader, nested.Id, 2)).Select(m => m.DirectoryUserId).Order());
        Assert.Equal([other], (await ExactlyAsync(reader, flat.Id, 1)).Select(m => m.DirectoryUserId));
    }

    [Fact]
    public async Task Name_and_email_come_from_the_mappings_attributes_with_the_default_rule_as_fallback()
    {
        AddUser("dana", "Dana Cn", "dana@example.org", null, ("displayName", ["Dana Display"]), ("description", ["dana.alt@example.org"]));
        AddUser("eli", "Eli Cn", "eli@example.org", null, ("displayName", ["Eli Display"]));
        var mapping = Map(AddGroup("attrs", null, User("dana"), User("eli")), 10, name: "cn", email: "description");

        await using var reader = await ReaderHost.StartAsync(new FakeConfigApi(Directory(), mapping), rabbit.Broker);

        var messages = (await ExactlyAsync(reader, mapping.Id, 2)).OrderBy(m => m.DisplayName).ToList();
        Assert.Equal(("Dana Cn", "dana.alt@example.org"), (messages[0].DisplayName, messages[0].Email));
        // Eli has no description: the email falls back to mail; the name attribute cn is there.
        Assert.Equal(("Eli Cn", "eli@example.org"), (messages[1].DisplayName, messages[1].Email));

        // A change of the mapped attribute is a change for Rescue.
        Admin.Replace(User("dana"), "description", "dana.new@example.org");
        var changed = (await Capture.WaitForAsync(mapping.Id, 3, TimeSpan.FromSeconds(60)))[2];
        Assert.Equal(("Dana Cn", "dana.new@example.org", UserState.Enabled), (changed.DisplayName, changed.Email, changed.State));
    }

    [Fact]
    public async Task A_user_in_two_mapped_groups_is_handled_by_the_first_mapping_by_priority_and_moves_by_priority()
    {
        var alice = AddUser("alice", "Alice Anders", "alice@example.org");
        var bob = AddUser("bob", "Bob Brown", "bob@example.org");
        // groupOfNames needs a member: a placeholder that is no user keeps the groups valid when the users leave.
        var placeholder = $"cn=placeholder,{_ou}";
        var first = Map(AddGroup("first", null, placeholder, User("alice")), 10);
        var second = Map(AddGroup("second", null, placeholder, User("alice"), User("bob")), 20);
        // Listed lower priority first: the reader orders by priority, not by the list.
        await using var reader = await ReaderHost.StartAsync(new FakeConfigApi(Directory(), second, first), rabbit.Broker);

        var a1 = Assert.Single(await ExactlyAsync(reader, first.Id, 1));
        Assert.Equal((alice, UserState.Enabled), (a1.DirectoryUserId, a1.State));
        var b2 = Assert.Single(await ExactlyAsync(reader, second.Id, 1));
        Assert.Equal((bob, UserState.Enabled), (b2.DirectoryUserId, b2.State));

        // Bob joins the first mapping's group: the first mapping takes him, the second lets go without disabling him.
        Admin.AddValue(first.SourceGroupDn, "member", User("bob"));
        var b1 = (await ExactlyAsync(reader, first.Id, 2))[1];
        Assert.Equal((bob, UserState.Enabled), (b1.DirectoryUserId, b1.State));
        Assert.Single(Capture.For(second.Id));

        // Alice leaves the first group but is still in the second: no OutOfScope, the second mapping takes her over.
        Admin.RemoveValue(first.SourceGroupDn, "member", User("alice"));
        var a2 = (await ExactlyAsync(reader, second.Id, 2))[1];
        Assert.Equal((alice, UserState.Enabled, "alice@example.org"), (a2.DirectoryUserId, a2.State, a2.Email));
        Assert.True(a2.Version > a1.Version);
        Assert.Equal(2, Capture.For(first.Id).Count);

        // Bob leaves the first group too: back to the second mapping.
        Admin.RemoveValue(first.SourceGroupDn, "member", User("bob"));
        var b2again = (await ExactlyAsync(reader, second.Id, 3))[2];
        Assert.Equal((bob, UserState.Enabled), (b2again.DirectoryUserId, b2again.State));
        Assert.True(b2again.Version > b1.Version);

        // Leaving the last mapped group is OutOfScope, from the mapping that has the user now.
        Admin.RemoveValue(second.SourceGroupDn, "member", User("alice"));
        var gone = (await ExactlyAsync(reader, second.Id, 4))[3];
        Assert.Equal((alice, UserState.OutOfScope), (gone.DirectoryUserId, gone.State));
        Assert.Equal(2, Capture.For(first.Id).Count);
        Assert.DoesNotContain(Capture.For(first.Id).Concat(Capture.For(second.Id)), m => m.DirectoryUserId == bob && m.State == UserState.OutOfScope);
    }

    [Fact]
    public async Task Two_directory_connections_are_read_by_their_own_readers_under_their_own_leases()
    {
        var ouA = $"ou=a,{_ou}";
        var ouB = $"ou=b,{_ou}";
        Admin.Add(ouA, ("objectClass", ["organizationalUnit"]));
        Admin.Add(ouB, ("objectClass", ["organizationalUnit"]));
        var carl = AddUser("carl", "Carl Cole", "carl@example.org", ouA);
        var dora = AddUser("dora", "Dora Dale", "dora@example.org", ouB);
        var mappingA = Map(AddGroup("techs", ouA, User("carl", ouA)), 10);
        var mappingB = Map(AddGroup("techs", ouB, User("dora", ouB)), 20, directory: "branch");
        // Each connection sees only its own OU: a reader that read the other's mapping would find nobody there.
        var config = new FakeConfigApi(Directory(ouA), mappingA, mappingB);
        config.NamedDirectories["branch"] = Directory(ouB);

        await using var readerA = await ReaderHost.StartAsync(config, rabbit.Broker);
        await using var readerB = await ReaderHost.StartAsync(config, rabbit.Broker, new Dictionary<string, string?> { ["Reader:Directory"] = "branch" });

        Assert.Equal(carl, Assert.Single(await ExactlyAsync(readerA, mappingA.Id, 1)).DirectoryUserId);
        Assert.Equal(dora, Assert.Single(await ExactlyAsync(readerB, mappingB.Id, 1)).DirectoryUserId);
        var holderA = config.LeaseHolder("ad-reader");
        var holderB = config.LeaseHolder("ad-reader-branch");
        Assert.NotNull(holderA);
        Assert.NotNull(holderB);
        Assert.NotEqual(holderA, holderB);

        // A change in the second directory reaches its reader.
        Admin.Replace(User("dora", ouB), "mail", "dora.dale@example.org");
        var changed = (await Capture.WaitForAsync(mappingB.Id, 2, TimeSpan.FromSeconds(60)))[1];
        Assert.Equal("dora.dale@example.org", changed.Email);
        Assert.Single(Capture.For(mappingA.Id));
    }

    [Fact]
    public async Task A_ConfigChanged_message_on_RabbitMQ_makes_the_reader_refresh_at_once_instead_of_at_its_next_poll()
    {
        var alice = AddUser("cc-alice", "Alice Change", "cc-alice@example.org");
        var bob = AddUser("cc-bob", "Bob Change", "cc-bob@example.org");
        var first = Map(AddGroup("cc-first", null, User("cc-alice")), 10);
        var second = Map(AddGroup("cc-second", null, User("cc-bob")), 20);
        // A poll interval far longer than the test: only the message can make the reader look again.
        var config = new FakeConfigApi(Directory() with { PollIntervalSeconds = 3600 }, first);
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker);
        Assert.Equal(alice, Assert.Single(await ExactlyAsync(reader, first.Id, 1)).DirectoryUserId);

        config.Mappings = [first, second];
        var bus = (MassTransit.IBus)reader.Services.GetService(typeof(MassTransit.IBus))!;
        await bus.Publish(new ConfigChanged("mappings", second.Id.ToString(), DateTimeOffset.UtcNow));

        var message = Assert.Single(await Capture.WaitForAsync(second.Id, 1, TimeSpan.FromSeconds(60)));
        Assert.Equal(bob, message.DirectoryUserId);
    }

    [Fact]
    public async Task With_the_config_service_down_the_reader_keeps_reading_on_its_last_known_configuration()
    {
        var ada = AddUser("down-ada", "Ada Down", "down-ada@example.org");
        var ben = AddUser("down-ben", "Ben Down", "down-ben@example.org");
        var placeholder = $"cn=placeholder,{_ou}";
        var mapping = Map(AddGroup("down", null, placeholder, User("down-ada")), 10, name: "cn");
        var config = new FakeConfigApi(Directory(), mapping);
        // The leader lease lives in the config service too (it lapses while the service is down, by design of the
        // lease); this test is about the configuration, so it runs the single replica without a lease.
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker,
            new Dictionary<string, string?> { ["Reader:LeaderElection:Enabled"] = "false" });
        Assert.Equal(ada, Assert.Single(await ExactlyAsync(reader, mapping.Id, 1)).DirectoryUserId);

        config.Unavailable = true;
        Admin.AddValue(mapping.SourceGroupDn, "member", User("down-ben"));

        // Published with the last known mapping's rules (cn as the name) although the config service answers nothing.
        var message = (await Capture.WaitForAsync(mapping.Id, 2, TimeSpan.FromSeconds(60)))[1];
        Assert.Equal((ben, "Ben Down", UserState.Enabled), (message.DirectoryUserId, message.DisplayName, message.State));
    }
}
