using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Refit;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Provisioner;

/// <summary>
/// The executor of a <see cref="Plan"/>: the Rescue calls and link writes it makes, in order, against a Rescue and a config
/// service in memory (the config service's compare-and-set on link versions and technicians included).
/// </summary>
public sealed class TechnicianProvisionerTests : IAsyncDisposable
{
    private const long Group = 100;
    private static readonly Mapping TheMapping = new(Guid.NewGuid(), "cn=techs", Group, MobileAddon: true, Enabled: true, DateTimeOffset.UnixEpoch);

    /// <summary>Every Rescue call and every link write, in order.</summary>
    private readonly List<string> _calls = [];
    private readonly Dictionary<long, (RescueTechnician Technician, long Parent)> _nodes = [];
    private readonly Dictionary<string, TechnicianLink> _links = new(StringComparer.Ordinal);
    private readonly List<NewSyncLogEntry> _syncLog = [];
    private readonly List<NewHistoryEntry> _history = [];
    private readonly Queue<RescueApiException> _setUserFailures = [];
    private long _nextNode = 500;
    private HistoryWriter? _historyWriter;
    private Action<long>? _onCreate;

    /// <summary>A link write of another instance, made just before the provisioner reads the link the given time.</summary>
    private (int Read, TechnicianLink Link)? _concurrentWrite;
    private int _linkReads;

    public async ValueTask DisposeAsync()
    {
        if (_historyWriter is not null)
        {
            await _historyWriter.DisposeAsync();
        }
    }

    private static UserChanged Change(UserState state = UserState.Enabled, long version = 10, string name = "Ann Smith", string email = "ann@example.org") =>
        new(TheMapping.Id, "ann", version, name, email, state, "uid=ann", DateTimeOffset.UnixEpoch, Guid.NewGuid());

    private RescueTechnician Technician(long node, string name = "Ann Smith", string email = "ann@example.org", bool enabled = true, bool mobile = true,
        long parent = Group) =>
        Add(new RescueTechnician(node, name, "", email, "", "", "Technician", mobile, false, enabled ? "Enabled" : "Disabled", false), parent);

    private RescueTechnician Add(RescueTechnician technician, long parent)
    {
        _nodes[technician.NodeId] = (technician, parent);
        return technician;
    }

    private void Link(string user, long? node, long version = 5, DateTimeOffset? pending = null) =>
        _links[user] = new TechnicianLink(user, TheMapping.Id, node, version, UserState.Enabled, DateTimeOffset.UnixEpoch, pending);

    private async Task<ProvisioningOutcome> ApplyAsync(UserChanged change)
    {
        var config = FakeApi.Create<IConfigApi>(new Dictionary<string, Func<object?[], object?>>
        {
            [nameof(IConfigApi.GetRescueCredentialsAsync)] = _ => Task.FromResult(new RescueCredentials("http://rescue", "token", "Default-Pass-1", DateTimeOffset.UnixEpoch)),
            [nameof(IConfigApi.GetMappingsAsync)] = _ => Task.FromResult<IReadOnlyList<Mapping>>([TheMapping]),
            [nameof(IConfigApi.GetLinkAsync)] = a => Task.FromResult(ReadLink((string)a[0]!)),
            [nameof(IConfigApi.PutLinkAsync)] = a => PutLinkAsync((TechnicianLink)a[1]!),
            [nameof(IConfigApi.AddSyncLogAsync)] = a =>
            {
                _syncLog.Add((NewSyncLogEntry)a[0]!);
                return Task.CompletedTask;
            },
            [nameof(IConfigApi.AddHistoryAsync)] = a =>
            {
                _history.AddRange((IReadOnlyList<NewHistoryEntry>)a[0]!);
                return Task.FromResult<IApiResponse>(FakeApi.Response<object>(new object()));
            },
        });
        var options = Options.Create(new ProvisionerOptions());
        var rescue = new FakeRescue(this);
        var links = new LinkStore(config);
        var syncLog = new SyncLogWriter(config, NullLogger<SyncLogWriter>.Instance);
        _historyWriter ??= new HistoryWriter(new ServiceCollection().AddSingleton(config).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
            NullLogger<HistoryWriter>.Instance);
        var provisioner = new TechnicianProvisioner(rescue, links,
            new TechnicianClaimer(rescue, links, syncLog, TimeProvider.System, NullLogger<TechnicianClaimer>.Instance),
            new ConfigCache(config, options, TimeProvider.System, NullLogger<ConfigCache>.Instance),
            new TechnicianGroupCache(rescue, options, TimeProvider.System), syncLog, _historyWriter, TimeProvider.System,
            NullLogger<TechnicianProvisioner>.Instance);
        return await provisioner.ApplyAsync(change, default);
    }

    private IApiResponse<TechnicianLink> ReadLink(string user)
    {
        if (_concurrentWrite is { } write && ++_linkReads == write.Read)
        {
            _links[user] = write.Link;
        }

        return FakeApi.Response(_links.GetValueOrDefault(user));
    }

    /// <summary>The config service's compare-and-set: a newer stored version wins, a link's technician never changes, a technician has one user.</summary>
    private async Task<IApiResponse> PutLinkAsync(TechnicianLink link)
    {
        _calls.Add($"link {(link.TechnicianNodeId is { } n ? $"node {n}" : "no node")} v{link.Version}{(link.CreatePendingSince is null ? "" : " intent")}");
        if (link.History is { } entry)
        {
            _history.Add(entry);
        }

        string? refused = null;
        if (link.TechnicianNodeId is { } node && _links.Values.Any(l => l.TechnicianNodeId == node && l.DirectoryUserId != link.DirectoryUserId))
        {
            refused = "technician-linked-elsewhere";
        }
        else if (_links.GetValueOrDefault(link.DirectoryUserId) is { } stored && stored.Version > link.Version)
        {
            refused = "stale-version";
        }
        else if (_links.GetValueOrDefault(link.DirectoryUserId) is { TechnicianNodeId: { } bound } && bound != link.TechnicianNodeId)
        {
            refused = "technician-bound";
        }

        if (refused is null)
        {
            _links[link.DirectoryUserId] = link with { History = null };
            return FakeApi.Response<object>(new object());
        }
        if (link.History is not null)
        {
            _history.Remove(link.History);
        }

        var response = new HttpResponseMessage(HttpStatusCode.Conflict)
        {
            RequestMessage = new HttpRequestMessage(HttpMethod.Put, "http://config/api/links"),
            Content = new StringContent($$"""{"reason":"{{refused}}"}"""),
        };
        var error = await ApiException.Create(response.RequestMessage, HttpMethod.Put, response, new RefitSettings());
        return new ApiResponse<object>(response, null, new RefitSettings(), error);
    }

    [Fact]
    public async Task New_user_records_the_intent_creates_claims_then_fills_with_the_default_password_then_records_the_version()
    {
        var outcome = await ApplyAsync(Change());

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Created, "Created"), outcome);
        Assert.Equal(["link no node v0 intent", "findByEmail ann@example.org", "createUser 100", "link node 500 v0",
            "setUser 500 'Ann Smith' enabled +mobile +password", "link node 500 v10"], _calls);
        Assert.Equal(HistoryAction.Created, Assert.Single(_history).Action);
    }

    [Fact]
    public async Task Orphaned_intent_claims_the_empty_technician_left_in_the_group_instead_of_creating_another()
    {
        Link("ann", null, pending: DateTimeOffset.UnixEpoch);
        Technician(41, name: "", email: "");

        var outcome = await ApplyAsync(Change());

        Assert.Equal(ProvisioningResult.Created, outcome.Result);
        Assert.Equal(["findByEmail ann@example.org", "getHierarchy 100", "link node 41 v5", "setUser 41 'Ann Smith' enabled +mobile +password",
            "link node 41 v10"], _calls);
        Assert.Contains(_syncLog, e => e.Message.Contains("Technician 41, left empty by an interrupted createUser, was claimed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Orphaned_intent_without_an_orphan_writes_the_intent_again_and_creates()
    {
        Link("ann", null, pending: DateTimeOffset.UnixEpoch);
        Technician(41, name: "", email: "");
        Link("bob", 41);

        await ApplyAsync(Change());

        Assert.Equal(["findByEmail ann@example.org", "getHierarchy 100", "link node 41 v5", "link no node v5 intent", "createUser 100", "link node 500 v5",
            "setUser 500 'Ann Smith' enabled +mobile +password", "link node 500 v10"], _calls);
    }

    [Fact]
    public async Task Technician_with_the_users_email_is_claimed_before_it_is_written_and_reported_as_Linked()
    {
        Technician(7, name: "Made By Hand", mobile: false);

        var outcome = await ApplyAsync(Change());

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Updated, "Linked"), outcome);
        Assert.Equal(["link no node v0 intent", "findByEmail ann@example.org", "link node 7 v0", "getHierarchy 100", "setUser 7 'Ann Smith' enabled +mobile",
            "link node 7 v10"], _calls);
        var entry = Assert.Single(_history);
        Assert.Equal((HistoryAction.Linked, "Made By Hand"), (entry.Action, entry.NameBefore));
    }

    [Fact]
    public async Task Email_held_by_another_technicians_user_changes_nothing_withdraws_the_intent_and_is_logged()
    {
        Technician(7, name: "Bob");
        Link("bob", 7);

        var outcome = await ApplyAsync(Change());

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Skipped, "Skipped"), outcome);
        Assert.Equal(["link no node v0 intent", "findByEmail ann@example.org", "link node 7 v0", "link no node v0"], _calls);
        Assert.Equal("EMAIL_LINKED_TO_OTHER_USER", Assert.Single(_syncLog).ErrorCode);
        Assert.Equal((HistoryAction.Skipped, null), (Assert.Single(_history).Action, _history[0].TechnicianNodeId));
        Assert.Null(_links["ann"].CreatePendingSince);
    }

    [Fact]
    public async Task No_free_mobile_licence_applies_the_rest_without_the_add_on_and_logs_it()
    {
        Technician(7, enabled: false, mobile: false);
        Link("ann", 7);
        _setUserFailures.Enqueue(new RescueApiException(RescueErrorKind.Permanent, TechnicianProvisioner.NoMobileLicenceCode, "setUser_v2", "no licence"));

        var outcome = await ApplyAsync(Change());

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Updated, "Enabled"), outcome);
        Assert.Equal(["getUser 7", "getHierarchy 100", "setUser 7 'Ann Smith' enabled +mobile", "setUser 7 'Ann Smith' enabled", "link node 7 v10"], _calls);
        Assert.Equal((SyncLogLevel.Warning, TechnicianProvisioner.NoMobileLicenceCode), (Assert.Single(_syncLog).Level, _syncLog[0].ErrorCode));
        Assert.Equal(HistoryAction.Enabled, Assert.Single(_history).Action);
    }

    [Fact]
    public async Task Moved_technician_gets_its_status_only_with_its_own_name_and_is_never_moved_back()
    {
        Technician(9, name: "Admin's Name", parent: 555);
        Link("ann", 9);

        var outcome = await ApplyAsync(Change(UserState.Deleted, name: "Ann Jones"));

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Updated, "Disabled"), outcome);
        Assert.Equal(["getUser 9", "getHierarchy 100", "setUser 9 'Admin's Name' disabled", "link node 9 v10"], _calls);
        Assert.Equal(HistoryAction.StatusOnly, Assert.Single(_history).Action);
    }

    [Fact]
    public async Task Stale_version_calls_no_Rescue_method_and_a_newer_one_applied_meanwhile_stops_the_write()
    {
        Technician(7);
        Link("ann", 7, version: 10);
        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Stale, "Stale"), await ApplyAsync(Change(UserState.Disabled, version: 9)));
        Assert.Empty(_calls);
        Assert.Equal(HistoryAction.Stale, Assert.Single(_history).Action);

        _history.Clear();
        _linkReads = 0;
        _concurrentWrite = (2, new TechnicianLink("ann", TheMapping.Id, 7, 12, UserState.Enabled, DateTimeOffset.UnixEpoch));
        Assert.Equal(ProvisioningResult.Stale, (await ApplyAsync(Change(UserState.Disabled, version: 11))).Result);
        Assert.Equal(["getUser 7", "getHierarchy 100"], _calls);
        Assert.Contains("Version 11 is older than version 12", Assert.Single(_history).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_user_without_technician_gets_none_but_its_version_is_recorded()
    {
        var outcome = await ApplyAsync(Change(UserState.Disabled));

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Skipped, "Skipped"), outcome);
        Assert.Equal(["findByEmail ann@example.org", "link no node v10"], _calls);
        Assert.Contains("no licence spent", Assert.Single(_history).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleted_technician_is_not_recreated_and_is_logged()
    {
        Link("ann", 7);

        var outcome = await ApplyAsync(Change());

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Skipped, "Skipped"), outcome);
        Assert.Equal(["getUser 7"], _calls);
        Assert.Equal("INVALIDPARAM_NODE", Assert.Single(_syncLog).ErrorCode);
        Assert.Equal(7, Assert.Single(_history).TechnicianNodeId);
    }

    [Fact]
    public async Task Values_refused_for_a_new_technician_fail_the_change_and_keep_the_technician_reserved()
    {
        _setUserFailures.Enqueue(new RescueApiException(RescueErrorKind.Permanent, "INVALIDPARAM_EMAIL", "setUser_v2", "bad email"));

        var outcome = await ApplyAsync(Change(email: "ann@bad"));

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Failed, "Failed"), outcome);
        Assert.Equal(["link no node v0 intent", "findByEmail ann@bad", "createUser 100", "link node 500 v0", "setUser 500 'Ann Smith' enabled +mobile +password"], _calls);
        Assert.Contains("Rescue refused the email address 'ann@bad' for new technician 500", Assert.Single(_syncLog).Message, StringComparison.Ordinal);
        Assert.Equal((500L, 0L), (_links["ann"].TechnicianNodeId!.Value, _links["ann"].Version));
    }

    [Fact]
    public async Task Applied_technician_is_unchanged_and_only_its_version_recorded()
    {
        Technician(7);
        Link("ann", 7);

        var outcome = await ApplyAsync(Change());

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Unchanged, "Unchanged"), outcome);
        Assert.Equal(["getUser 7", "link node 7 v10"], _calls);
        Assert.Empty(_history);
    }

    [Fact]
    public async Task Forced_resync_of_the_applied_version_repairs_a_technician_changed_by_hand()
    {
        Technician(7, name: "Changed By Hand");
        Link("ann", 7, version: 10);

        var outcome = await ApplyAsync(Change() with { Force = true });

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Updated, "Updated"), outcome);
        Assert.Equal(["getUser 7", "getHierarchy 100", "setUser 7 'Ann Smith' enabled +mobile", "link node 7 v10"], _calls);
    }

    [Fact]
    public async Task Linked_technician_left_empty_is_completed_as_new_after_the_version_is_checked_again()
    {
        Technician(41, name: "", email: "", mobile: false);
        Link("ann", 41);
        _linkReads = 0;
        _concurrentWrite = (2, new TechnicianLink("ann", TheMapping.Id, 41, 5, UserState.Enabled, DateTimeOffset.UnixEpoch));

        var outcome = await ApplyAsync(Change());

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Created, "Created"), outcome);
        Assert.Equal(2, _linkReads);
        Assert.Equal(["getUser 41", "setUser 41 'Ann Smith' enabled +mobile +password", "link node 41 v10"], _calls);
        Assert.Equal(HistoryAction.Created, Assert.Single(_history).Action);
    }

    [Fact]
    public async Task Disabled_user_with_an_interrupted_create_completes_the_orphan_disabled_and_creates_nothing()
    {
        Link("ann", null, pending: DateTimeOffset.UnixEpoch);
        Technician(41, name: "", email: "");

        var outcome = await ApplyAsync(Change(UserState.Disabled));

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Created, "Created"), outcome);
        Assert.Equal(["findByEmail ann@example.org", "getHierarchy 100", "link node 41 v5", "setUser 41 'Ann Smith' disabled +password", "link node 41 v10"], _calls);
    }

    [Fact]
    public async Task Disabled_user_with_a_technician_of_the_same_email_gets_it_linked_and_disabled()
    {
        Technician(7);

        var outcome = await ApplyAsync(Change(UserState.Disabled));

        Assert.Equal(new ProvisioningOutcome(ProvisioningResult.Updated, "Linked"), outcome);
        Assert.Equal(["findByEmail ann@example.org", "link node 7 v0", "getHierarchy 100", "setUser 7 'Ann Smith' disabled", "link node 7 v10"], _calls);
    }

    [Fact]
    public async Task Email_taken_in_Rescue_is_refused_naming_the_technician_that_has_it()
    {
        Technician(7);
        Link("ann", 7);
        Technician(8, name: "Bob Other", email: "ann.new@example.org", parent: 555);
        _setUserFailures.Enqueue(new RescueApiException(RescueErrorKind.Permanent, "INVALIDPARAM_EMAIL_ALREADY_IN_USE", "setUser_v2", "in use"));

        var error = await Assert.ThrowsAsync<RescueApiException>(() => ApplyAsync(Change(email: "ann.new@example.org")));

        Assert.Equal("Rescue refused the email address 'ann.new@example.org' (technician 8, 'Bob Other', has it) for technician 7 (INVALIDPARAM_EMAIL_ALREADY_IN_USE).",
            error.Message);
        Assert.Equal(["getUser 7", "getHierarchy 100", "setUser 7 'Ann Smith' enabled +mobile", "findByEmail ann.new@example.org"], _calls);
    }

    [Fact]
    public async Task Technician_created_for_the_user_but_claimed_by_a_recovering_user_is_swapped_for_that_users_orphan()
    {
        Technician(41, name: "", email: "");
        var created = 0;
        _onCreate = node =>
        {
            // Another user, recovering from its interrupted create, claims the fresh technician first; 41 is its orphan.
            if (created++ == 0)
            {
                Link("bob", node);
            }
        };

        var outcome = await ApplyAsync(Change());

        Assert.Equal(ProvisioningResult.Created, outcome.Result);
        Assert.Equal(["link no node v0 intent", "findByEmail ann@example.org", "createUser 100", "link node 500 v0", "getHierarchy 100", "link node 41 v0",
            "setUser 41 'Ann Smith' enabled +mobile +password", "link node 41 v10"], _calls);
    }

    private sealed class FakeRescue(TechnicianProvisionerTests test) : IRescueClient
    {
        public Task<RescueTechnician?> FindByEmailAsync(string email, CancellationToken ct)
        {
            test._calls.Add($"findByEmail {email}");
            return Task.FromResult(test._nodes.Values.Select(n => n.Technician)
                .FirstOrDefault(t => t.Email.Length > 0 && string.Equals(t.Email, email, StringComparison.OrdinalIgnoreCase)));
        }

        public Task<RescueTechnician?> GetAsync(long nodeId, CancellationToken ct)
        {
            test._calls.Add($"getUser {nodeId}");
            return Task.FromResult<RescueTechnician?>(test._nodes.GetValueOrDefault(nodeId).Technician);
        }

        public Task<long> CreateUserAsync(long parentGroupId, CancellationToken ct)
        {
            test._calls.Add($"createUser {parentGroupId}");
            var node = test._nextNode++;
            test.Add(new RescueTechnician(node, "", "", "", "", "", "Technician", false, false, "Enabled", true), parentGroupId);
            test._onCreate?.Invoke(node);
            return Task.FromResult(node);
        }

        public Task SetUserAsync(SetUserCommand command, CancellationToken ct)
        {
            test._calls.Add($"setUser {command.NodeId} '{command.Name}' {(command.Enabled ? "enabled" : "disabled")}{(command.MobileAddon ? " +mobile" : "")}" +
                $"{(command.Password is null ? "" : " +password")}");
            if (test._setUserFailures.TryDequeue(out var failure))
            {
                throw failure;
            }

            var (technician, parent) = test._nodes[command.NodeId];
            test._nodes[command.NodeId] = (technician with
            {
                Name = command.Name,
                Email = command.Email,
                Status = command.Enabled ? "Enabled" : "Disabled",
                HasMobileAddon = command.MobileAddon,
            }, parent);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<RescueNode>> GetHierarchyAsync(CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<RescueNode>> GetHierarchyAsync(long node, CancellationToken ct)
        {
            test._calls.Add($"getHierarchy {node}");
            return Task.FromResult<IReadOnlyList<RescueNode>>(
            [
                new RescueNode(node, 0, "group", "", "", "", "Group"),
                .. test._nodes.Values.Where(n => n.Parent == node)
                    .Select(n => new RescueNode(n.Technician.NodeId, n.Parent, n.Technician.Name, n.Technician.Email, "", n.Technician.Status, "Technician")),
            ]);
        }

        public Task<RescueAccountInfo> GetAccountAsync(CancellationToken ct) => throw new NotSupportedException();
    }
}
