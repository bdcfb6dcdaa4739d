using System.Text.Json;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;

namespace RescueAdSync.UnitTests.Reader;

public sealed class CompactUserStateTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly Guid MappingId = Guid.NewGuid();
    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    [Theory]
    [InlineData("Zoë Ångström-Łukasz", "zoe@example.org", "uid=zoë,ou=people,dc=example,dc=org")]
    [InlineData("", "", "")]
    [InlineData("名前", "名前@例え.jp", "cn=名前\\2C x,dc=x")]
    public void User_text_gives_back_exactly_the_strings_it_was_made_of(string name, string email, string dn)
    {
        var text = new UserText(name, email, dn);

        Assert.Equal((name, email, dn), (text.DisplayName, text.Email, text.DistinguishedName));
        Assert.Equal(text, new UserText(name, email, dn));
        Assert.Equal(text.GetHashCode(), new UserText(name, email, dn).GetHashCode());
    }

    [Fact]
    public void Name_and_email_decide_a_change_not_the_dn_and_a_moved_boundary_is_not_mistaken_for_equality()
    {
        var text = new UserText("Ann", "ann@x", "cn=ann,dc=x");

        Assert.True(text.SameNameAndEmail(new UserText("Ann", "ann@x", "cn=ann,ou=moved,dc=x")));
        Assert.False(text.SameDistinguishedName(new UserText("Ann", "ann@x", "cn=ann,ou=moved,dc=x")));
        // Same bytes in a different split between name and email are different users.
        Assert.False(text.SameNameAndEmail(new UserText("Annann", "@x", "cn=ann,dc=x")));
        Assert.False(text.SameNameAndEmail(new UserText("Ann", "ann@y", "cn=ann,dc=x")));
    }

    [Fact]
    public void A_known_user_is_stored_with_the_field_names_of_earlier_versions_and_reads_documents_they_wrote()
    {
        var user = new KnownUser("a", "cn=a,dc=x", "Alice", "alice@x", UserState.Disabled, 42);

        var json = JsonSerializer.SerializeToElement(user, Json);
        Assert.Equal(new[] { "displayName", "distinguishedName", "email", "id", "state", "version" },
            json.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Alice", json.GetProperty("displayName").GetString());

        // A document of the previous reader also carried "inScope".
        var old = """{"id":"a","distinguishedName":"cn=a,dc=x","displayName":"Alice","email":"alice@x","state":1,"version":42,"inScope":true}""";
        var read = JsonSerializer.Deserialize<KnownUser>(old, Json)!;
        Assert.Equal(new KnownUser("a", "cn=a,dc=x", "Alice", "alice@x", (UserState)1, 42), read);
        Assert.Equal(user, JsonSerializer.Deserialize<KnownUser>(json, Json));
    }

    [Fact]
    public void A_changed_member_becomes_the_known_record_without_copying_and_its_message_is_built_from_it()
    {
        var member = new DirectoryUser("a", "cn=a,dc=x", "Alice", "alice@x", UserState.Enabled, 10);

        var diff = MembershipDiff.Compute(MappingId, null, [member], None, None, 20, Guid.NewGuid(), DateTimeOffset.UnixEpoch);

        Assert.Equal(member.Text, diff.Users["a"].Text);
        Assert.Same(diff.Messages.States[0], diff.Users["a"]);
        var message = Assert.Single(diff.Messages);
        Assert.Equal(("a", 10L, "Alice", "alice@x", "cn=a,dc=x", UserState.Enabled),
            (message.DirectoryUserId, message.Version, message.DisplayName, message.Email, message.DistinguishedName, message.State));
    }

    [Fact]
    public void An_unchanged_member_keeps_the_known_record_itself()
    {
        var known = new Dictionary<string, KnownUser> { ["a"] = new("a", "cn=a,dc=x", "Alice", "alice@x", UserState.Enabled, 10) };

        var diff = MembershipDiff.Compute(MappingId, known, [new DirectoryUser("a", "cn=a,dc=x", "Alice", "alice@x", UserState.Enabled, 10)],
            None, None, 20, Guid.NewGuid(), DateTimeOffset.UnixEpoch);

        Assert.Empty(diff.Messages);
        Assert.Same(known["a"], diff.Users["a"]);
    }

    [Fact]
    public void Messages_are_in_version_order_then_by_id_and_a_resync_forces_every_known_state()
    {
        var users = new[] { ("c", 5L), ("b", 7L), ("a", 7L) }
            .Select(u => new KnownUser(u.Item1, $"cn={u.Item1}", u.Item1, $"{u.Item1}@x", UserState.Enabled, u.Item2));

        var list = new UserChangedList(MappingId, users, DateTimeOffset.UnixEpoch, Guid.Empty, force: true);

        Assert.Equal(["c", "a", "b"], list.Select(m => m.DirectoryUserId));
        Assert.All(list, m => Assert.True(m.Force));
        Assert.Equal(list[1], list.ElementAt(1));
    }

    [Fact]
    public void The_stored_state_writes_each_user_as_one_array_and_reads_both_that_and_the_object_form_of_earlier_readers()
    {
        var users = new Dictionary<string, KnownUser>
        {
            ["a"] = new("a", "cn=a,dc=x", "Zoë \"Z\" A.", "zoe@x", UserState.Deleted, 42),
            ["b"] = new("b", "", "", "", UserState.Enabled, 7),
        };
        var state = new MappingState(MappingId, "cn=g,dc=x", false, new HighWaterMark(50, "50", "s"), users, DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch, "|", null);

        var json = JsonSerializer.SerializeToElement(state, Json);

        var a = json.GetProperty("users").GetProperty("a");
        Assert.Equal(JsonValueKind.Array, a.ValueKind);
        Assert.Equal(["Zoë \"Z\" A.", "zoe@x", "cn=a,dc=x", "Deleted"], a.EnumerateArray().Take(4).Select(e => e.GetString()));
        Assert.Equal(42, a[4].GetInt64());
        var read = json.Deserialize<MappingState>(Json)!;
        Assert.Equal(users["a"], read.Users["a"]);
        Assert.Equal(users["b"], read.Users["b"]);

        var earlier = """
            {"mappingId":"00000000-0000-0000-0000-000000000001","sourceGroupDn":"cn=g,dc=x","nestedGroups":false,
             "mark":{"version":50,"token":"50","serverIdentity":"s"},
             "users":{"a":{"id":"a","distinguishedName":"cn=a,dc=x","displayName":"Alice","email":"alice@x","state":"OutOfScope","version":42,"inScope":false}},
             "lastFullReadAt":"2026-11-27T12:00:00+00:00","updatedAt":"2026-11-27T12:00:00+00:00","attributeRules":"|","dirSyncCookie":null}
            """;
        var upgraded = JsonSerializer.Deserialize<MappingState>(earlier, Json)!;
        Assert.Equal(new KnownUser("a", "cn=a,dc=x", "Alice", "alice@x", UserState.OutOfScope, 42), upgraded.Users["a"]);
    }

    [Theory]
    [InlineData("""{"a":["n","e","dn","Enabled"]}""")]
    [InlineData("""{"a":["n","e","dn","Enabled","x"]}""")]
    [InlineData("""{"a":["n","e","dn","Enabled",1,2]}""")]
    [InlineData("""{"a":"n"}""")]
    [InlineData("""[]""")]
    public void A_damaged_user_list_is_a_clear_json_error(string users)
    {
        var json = $$"""{"mappingId":"{{MappingId}}","sourceGroupDn":"g","nestedGroups":false,"mark":{"version":1,"token":"1","serverIdentity":"s"},"users":{{users}},"lastFullReadAt":"2026-11-27T12:00:00+00:00","updatedAt":"2026-11-27T12:00:00+00:00"}""";

        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<MappingState>(json, Json));
    }

    [Fact]
    public void The_stored_users_take_about_forty_percent_fewer_bytes_than_the_object_form()
    {
        // Users shaped like the benchmark's OpenLDAP directory.
        var users = Enumerable.Range(0, 1000).ToDictionary(
            i => Guid.NewGuid().ToString("D"),
            i => (i: i, id: $"user{i:D6}"))
            .ToDictionary(pair => pair.Key, pair => new KnownUser(pair.Key, $"uid={pair.Value.id},ou=people,dc=bench,dc=example",
                $"User {pair.Value.i:D6}", $"{pair.Value.id}@example.org", UserState.Enabled, 7_400_000_000_000_000 + pair.Value.i));
        var state = new MappingState(MappingId, "cn=g,dc=x", false, new HighWaterMark(1, "1", "s"), users, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var compact = JsonSerializer.SerializeToUtf8Bytes(state, Json).Length;
        var objectForm = JsonSerializer.SerializeToUtf8Bytes(users, Json).Length;

        output.WriteLine($"1,000 users: {compact:N0} bytes stored, {objectForm:N0} bytes in the object form");
        Assert.True(compact < objectForm * 0.65, $"{compact} vs {objectForm}");
    }
}
