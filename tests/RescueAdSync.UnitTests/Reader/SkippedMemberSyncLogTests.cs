using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>
/// Rule 8 of docs/rules.md for members the reader refuses: one MEMBER_SKIPPED Warning per member and reason, not one per poll, and
/// the entry keeps its last known state (no OutOfScope for it).
/// </summary>
public sealed class SkippedMemberSyncLogTests
{
    private const string Group = "CN=Techs,DC=x";
    private static readonly DirectoryConnectionSettings Directory = new(DirectoryKind.ActiveDirectory, ["ldap://fake"], "admin", "pw", "DC=x");
    private static readonly Mapping Mapping = new(Guid.NewGuid(), Group, 1, false, true, DateTimeOffset.UtcNow);
    private readonly SyncLogRecorder _log = SyncLogRecorder.Create();
    private readonly FakeDirectorySession _session = new();
    private readonly (MassTransit.IPublishEndpoint Endpoint, PublishRecorder Recorder) _publisher = PublishRecorder.Create();
    private readonly SyncLogReporter _reporter;
    private readonly MappingSynchronizer _synchronizer;

    public SkippedMemberSyncLogTests()
    {
        var options = Options.Create(new ReaderOptions());
        _reporter = new SyncLogReporter((IConfigApi)(object)_log, options, TimeProvider.System, NullLogger<SyncLogReporter>.Instance);
        _synchronizer = Synchronizers.Create(new InMemoryReaderStateStore(), syncLog: _reporter);
    }

    private static LdapEntry User(Guid id, long usn, string name, string mail = "user@x") =>
        Entries.Of($"CN={name.Replace("\n", "", StringComparison.Ordinal)},DC=x", id.ToByteArray(), ("uSNChanged", usn.ToString()),
            ("displayName", name), ("mail", mail), ("userAccountControl", "512"));

    /// <summary>One cycle that reads the membership in full (the group changed since the last mark).</summary>
    private async Task FullCycleAsync()
    {
        _session.Mark = _session.Mark with { Version = _session.Mark.Version + 10, Token = (_session.Mark.Version + 10).ToString() };
        _session.GroupVersion = _session.Mark.Version;
        await _synchronizer.SyncAsync(_session, Directory, Mapping, _session.Mark, _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);
    }

    private IReadOnlyList<NewSyncLogEntry> Skipped => _log.Entries.Where(e => e.ErrorCode == "MEMBER_SKIPPED").ToList();

    [Fact]
    public async Task A_member_refused_in_every_cycle_gets_one_warning_and_keeps_its_last_known_state()
    {
        var alice = Guid.NewGuid();
        var bob = Guid.NewGuid();
        _session.Members = [User(alice, 60, "Alice"), User(bob, 61, "Bob")];
        await FullCycleAsync();
        // Bob's name gains a control character: the entry is refused from now on.
        _session.Members = [User(alice, 60, "Alice"), User(bob, 70, "Bob\nBrown")];

        await FullCycleAsync();
        await FullCycleAsync();
        await FullCycleAsync();

        var warning = Assert.Single(Skipped);
        Assert.Equal((SyncLogLevel.Warning, "ad-reader", "read-member", Mapping.Id, bob.ToString(), true),
            (warning.Level, warning.Source, warning.Operation, warning.MappingId, warning.DirectoryUserId, warning.WillRetry));
        Assert.Contains("control characters", warning.Message);
        // Refused is not removed: only the two first publishes, no OutOfScope for Bob.
        Assert.Equal(2, _publisher.Recorder.Published.Count);
        Assert.All(_publisher.Recorder.Published.Cast<UserChanged>(), m => Assert.Equal(UserState.Enabled, m.State));
    }

    [Fact]
    public async Task The_warning_names_the_skipped_member_with_its_email_and_the_control_characters_shown_as_question_marks()
    {
        var bob = Guid.NewGuid();
        _session.Members = [User(bob, 70, "Bob\nBrown", "bob.brown@x.example")];

        await FullCycleAsync();

        var warning = Assert.Single(Skipped);
        Assert.Equal(("Bob?Brown", "bob.brown@x.example"), (warning.DisplayName, warning.Email));
    }

    [Fact]
    public async Task Another_reason_or_another_member_is_news_and_gets_its_own_warning()
    {
        var bob = Guid.NewGuid();
        var carol = Guid.NewGuid();
        _session.Members = [User(bob, 70, "Bob\u0007")];
        await FullCycleAsync();
        _session.Members = [User(bob, 71, new string('b', DirectoryUserMapper.MaxNameLength + 1))];
        await FullCycleAsync();
        _session.Members = [User(bob, 71, new string('b', DirectoryUserMapper.MaxNameLength + 1)), User(carol, 72, "Carol\u0000")];
        await FullCycleAsync();
        await FullCycleAsync();

        Assert.Equal([(bob.ToString(), "control"), (bob.ToString(), "too long"), (carol.ToString(), "control")],
            Skipped.Select(e => (e.DirectoryUserId!, e.Message.Contains("too long", StringComparison.Ordinal) ? "too long" : "control")));
    }

    [Fact]
    public async Task A_warning_that_could_not_be_written_is_tried_again_in_the_next_cycle()
    {
        var bob = Guid.NewGuid();
        _session.Members = [User(bob, 70, "Bob\u0007")];
        _log.Failing = true;
        await FullCycleAsync();
        _log.Failing = false;

        await FullCycleAsync();
        await FullCycleAsync();

        Assert.Single(Skipped);
        Assert.Equal(2, _log.Attempts);
    }

    [Fact]
    public async Task The_dn_in_the_warning_has_its_control_characters_replaced_and_is_bounded()
    {
        var dn = "CN=evil\r\nInjected: line," + new string('x', 400) + ",DC=x";

        await _reporter.ReportSkippedMemberAsync(Mapping.Id, null, dn, null, null, "control characters in the name or email", Guid.NewGuid(), CancellationToken.None);
        await _reporter.ReportSkippedMemberAsync(Mapping.Id, null, dn, null, null, "control characters in the name or email", Guid.NewGuid(), CancellationToken.None);

        var warning = Assert.Single(Skipped);
        Assert.DoesNotContain('\n', warning.Message);
        Assert.DoesNotContain('\r', warning.Message);
        Assert.Contains("CN=evil??Injected: line,", warning.Message);
        Assert.DoesNotContain(new string('x', 300), warning.Message);
        Assert.Null(warning.DirectoryUserId);
    }
}
