using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;

namespace RescueAdSync.UnitTests.Reader;

public sealed class CompactUserStateTests
{
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
}
