using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>
/// A cycle that failed after publishing (state not saved) must not leave the provisioner with what it published when
/// the directory went back to the stored state in the meantime.
/// </summary>
public sealed class UnsettledChangesTests
{
    private static readonly Guid MappingId = Guid.NewGuid();
    private static readonly Guid Correlation = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    private static DirectoryUser Member(string id, long version) => new(id, $"uid={id},dc=x", $"Name {id}", $"{id}@x", UserState.Enabled, version);

    private static KnownUser Known(string id, long version, UserState state = UserState.Enabled) =>
        new(id, $"uid={id},dc=x", $"Name {id}", $"{id}@x", state, version);

    private static UserChanged Lost(string id, long version, UserState state) =>
        new(MappingId, id, version, $"Name {id}", $"{id}@x", state, $"uid={id},dc=x", Now, Guid.NewGuid());

    [Fact]
    public void Removed_then_added_back_while_the_state_could_not_be_saved_is_published_enabled_above_the_lost_removal()
    {
        var known = new Dictionary<string, KnownUser> { ["b5"] = Known("b5", 10) };
        var members = new[] { Member("b5", 10) };
        var diff = MembershipDiff.Compute(MappingId, known, members, None, None, 30, Correlation, Now);
        Assert.Empty(diff.Messages); // what the next cycle would do on its own: nothing

        var unsettled = new UnsettledChanges();
        unsettled.Failed(MappingId, [Lost("b5", 20, UserState.OutOfScope)]);
        var settled = UnsettledChanges.Republish(MappingId, diff, unsettled.For(MappingId)!, members, None, 30, Correlation, Now);

        var message = Assert.Single(settled.Messages);
        Assert.Equal(("b5", UserState.Enabled, 30L), (message.DirectoryUserId, message.State, message.Version));
        Assert.Equal((UserState.Enabled, 30L), (settled.Users["b5"].State, settled.Users["b5"].Version));
    }

    [Fact]
    public void Added_then_removed_while_the_state_could_not_be_saved_is_published_out_of_scope_above_the_lost_addition()
    {
        var diff = MembershipDiff.Compute(MappingId, new Dictionary<string, KnownUser>(), [], None, None, 40, Correlation, Now);
        Assert.Empty(diff.Messages);

        var unsettled = new UnsettledChanges();
        unsettled.Failed(MappingId, [Lost("n1", 35, UserState.Enabled)]);
        var settled = UnsettledChanges.Republish(MappingId, diff, unsettled.For(MappingId)!, [], None, 40, Correlation, Now);

        var message = Assert.Single(settled.Messages);
        Assert.Equal(("n1", UserState.OutOfScope, 40L), (message.DirectoryUserId, message.State, message.Version));
    }

    [Fact]
    public void Users_the_cycle_publishes_anyway_or_cannot_read_are_left_alone_and_settling_forgets_the_mapping()
    {
        var known = new Dictionary<string, KnownUser> { ["a"] = Known("a", 10), ["u"] = Known("u", 10) };
        var members = new[] { Member("a", 50) with { Email = "new@x" } };
        var unreadable = new HashSet<string> { "u" };
        var diff = MembershipDiff.Compute(MappingId, known, members, unreadable, None, 50, Correlation, Now);

        var unsettled = new UnsettledChanges();
        unsettled.Failed(MappingId, [Lost("a", 20, UserState.Disabled), Lost("u", 20, UserState.OutOfScope)]);
        var settled = UnsettledChanges.Republish(MappingId, diff, unsettled.For(MappingId)!, members, unreadable, 50, Correlation, Now);

        Assert.Equal(diff.Messages, settled.Messages);
        unsettled.Settled(MappingId);
        Assert.Null(unsettled.For(MappingId));
    }
}
