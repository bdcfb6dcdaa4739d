using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;

namespace RescueAdSync.UnitTests.Reader;

public sealed class MembershipDiffTests
{
    private static readonly Guid MappingId = Guid.NewGuid();
    private static readonly Guid Correlation = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    private static DirectoryUser User(string id, long version, string name = "N", string email = "e@x", UserState state = UserState.Enabled) =>
        new(id, $"cn={id},dc=x", name, email, state, version);

    private static MembershipDiffResult Diff(IReadOnlyDictionary<string, KnownUser>? previous, IReadOnlyList<DirectoryUser> members, long highWater,
        IReadOnlySet<string>? gone = null, IReadOnlySet<string>? unreadable = null) =>
        MembershipDiff.Compute(MappingId, previous, members, unreadable ?? None, gone ?? None, highWater, Correlation, Now);

    [Fact]
    public void First_cycle_publishes_every_member_in_version_order()
    {
        var result = Diff(null, [User("b", 20), User("a", 10, state: UserState.Disabled)], 30);

        Assert.Equal([("a", 10L, UserState.Disabled), ("b", 20L, UserState.Enabled)],
            result.Messages.Select(m => (m.DirectoryUserId, m.Version, m.State)));
        Assert.All(result.Messages, m => Assert.Equal(Correlation, m.CorrelationId));
        Assert.All(result.Messages, m => Assert.Equal(MappingId, m.MappingId));
    }

    [Fact]
    public void Nothing_changed_publishes_nothing()
    {
        var first = Diff(null, [User("a", 10)], 30);

        var second = Diff(first.Users, [User("a", 10)], 31);

        Assert.Empty(second.Messages);
    }

    [Fact]
    public void A_rename_or_move_alone_is_not_published_but_remembered()
    {
        var first = Diff(null, [User("a", 10)], 30);

        var second = Diff(first.Users, [User("a", 40) with { DistinguishedName = "cn=a,ou=elsewhere,dc=x" }], 50);

        Assert.Empty(second.Messages);
        Assert.Equal("cn=a,ou=elsewhere,dc=x", second.Users["a"].DistinguishedName);
    }

    [Fact]
    public void Changed_name_email_or_state_is_published_with_the_users_own_version()
    {
        var first = Diff(null, [User("a", 10), User("b", 11), User("c", 12)], 30);

        var second = Diff(first.Users, [User("a", 41, name: "New"), User("b", 42, email: "new@x"), User("c", 43, state: UserState.Disabled)], 50);

        Assert.Equal([("a", 41L, UserState.Enabled), ("b", 42L, UserState.Enabled), ("c", 43L, UserState.Disabled)],
            second.Messages.Select(m => (m.DirectoryUserId, m.Version, m.State)));
    }

    [Theory]
    [InlineData("name", true)]
    [InlineData("email", true)]
    [InlineData("state", true)]
    [InlineData("distinguished name", false)]
    [InlineData("login", false)]
    [InlineData("nothing", false)]
    public void Only_a_changed_name_email_or_state_is_published_and_the_member_as_read_now_is_remembered(string changed, bool published)
    {
        var first = Diff(null, [User("a", 10) with { Login = "ann" }], 30);
        var now = changed switch
        {
            "name" => User("a", 41, name: "New") with { Login = "ann" },
            "email" => User("a", 41, email: "new@x") with { Login = "ann" },
            "state" => User("a", 41, state: UserState.Disabled) with { Login = "ann" },
            "distinguished name" => User("a", 41) with { DistinguishedName = "cn=a,ou=elsewhere,dc=x", Login = "ann" },
            "login" => User("a", 41) with { Login = "ann.smith" },
            _ => User("a", 10) with { Login = "ann" },
        };

        var second = Diff(first.Users, [now], 50);

        Assert.Equal(published, second.Messages.Count == 1);
        Assert.All(second.Messages, m => Assert.Equal((41L, now.DisplayName, now.Email, now.State, now.Login), (m.Version, m.DisplayName, m.Email, m.State, m.Login)));
        var known = second.Users["a"];
        Assert.Equal((now.DisplayName, now.Email, now.State, now.DistinguishedName, now.Login),
            (known.DisplayName, known.Email, known.State, known.DistinguishedName, known.Login));
        Assert.Equal(published ? 41L : 10L, known.Version);
        if (changed == "nothing")
        {
            // The known record itself is kept, so this cycle's copy of the entry's text is not held on to.
            Assert.Same(first.Users["a"], known);
        }
    }

    [Fact]
    public void A_member_who_left_but_exists_is_out_of_scope_at_the_high_water_mark_and_a_deleted_one_is_deleted()
    {
        var first = Diff(null, [User("a", 10, name: "Alice", email: "alice@x"), User("b", 11), User("c", 12)], 30);

        var left = MembershipDiff.Left(first.Users, [User("c", 12)], None);
        var second = Diff(first.Users, [User("c", 12)], 55, gone: new HashSet<string> { "b" });

        Assert.Equal(["a", "b"], left);
        Assert.Equal([("a", 55L, UserState.OutOfScope), ("b", 55L, UserState.Deleted)],
            second.Messages.Select(m => (m.DirectoryUserId, m.Version, m.State)));
        // The last known name and email travel with the message, so the technician keeps them.
        Assert.Equal(("Alice", "alice@x"), (second.Messages[0].DisplayName, second.Messages[0].Email));
    }

    [Fact]
    public void Users_already_out_of_scope_are_not_published_again()
    {
        var first = Diff(null, [User("a", 10)], 30);
        var second = Diff(first.Users, [], 55);

        var third = Diff(second.Users, [], 56);

        Assert.Single(second.Messages);
        Assert.Empty(third.Messages);
        Assert.Empty(MembershipDiff.Left(second.Users, [], None));
    }

    [Fact]
    public void A_user_who_comes_back_with_an_unchanged_entry_gets_a_version_above_the_out_of_scope_one()
    {
        var first = Diff(null, [User("a", 10)], 30);
        var second = Diff(first.Users, [], 55);

        // Adding a user back to a group changes the group, not the user: its own version is still 10.
        var third = Diff(second.Users, [User("a", 10)], 70);

        var message = Assert.Single(third.Messages);
        Assert.Equal((UserState.Enabled, 70L), (message.State, message.Version));
    }

    [Fact]
    public void Expiry_with_time_and_no_directory_change_still_gets_a_higher_version()
    {
        var first = Diff(null, [User("a", 30)], 30);

        var second = Diff(first.Users, [User("a", 30, state: UserState.Disabled)], 30);

        Assert.Equal(31, Assert.Single(second.Messages).Version);
    }

    [Fact]
    public void An_unreadable_member_keeps_its_state_and_is_not_taken_for_a_leaver()
    {
        var first = Diff(null, [User("a", 10), User("b", 11)], 30);
        var unreadable = new HashSet<string> { "b" };

        var second = Diff(first.Users, [User("a", 10)], 40, unreadable: unreadable);

        Assert.Empty(MembershipDiff.Left(first.Users, [User("a", 10)], unreadable));
        Assert.Empty(second.Messages);
        Assert.Equal(UserState.Enabled, second.Users["b"].State);
    }

    [Theory]
    [InlineData(10, null, 50, 10)]
    [InlineData(60, 55L, 50, 60)]
    [InlineData(10, 55L, 70, 70)]
    [InlineData(10, 55L, 55, 56)]
    [InlineData(55, 55L, 40, 56)]
    public void Next_version_is_always_above_the_last_published_one(long observed, long? lastVersion, long highWater, long expected)
    {
        var last = lastVersion is null ? null : new KnownUser("a", "cn=a", "N", "e", UserState.Enabled, lastVersion.Value);

        Assert.Equal(expected, MembershipDiff.NextVersion(observed, last, highWater));
    }
}
