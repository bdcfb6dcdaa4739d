using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Refit;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Previews;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Previews;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Provisioner;

/// <summary>The plan a preview computes, decided by the same rules as the consumer, with a Rescue and a config service in memory.</summary>
public sealed class PreviewPlannerTests
{
    private const long Group = 100;
    private static readonly Mapping TheMapping = new(Guid.NewGuid(), "cn=techs", Group, MobileAddon: false, Enabled: true, DateTimeOffset.UnixEpoch);
    private readonly FakeRescue _rescue = new();
    private readonly Dictionary<string, TechnicianLink> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<long, TechnicianLinkOwner> _owners = [];
    private readonly List<Mapping> _mappings = [TheMapping];

    private PreviewPlanner Planner()
    {
        var config = FakeApi.Create<IConfigApi>(new Dictionary<string, Func<object?[], object?>>
        {
            [nameof(IConfigApi.GetRescueCredentialsAsync)] = _ => Task.FromResult(new RescueCredentials("http://rescue", "token", "Secret-Default-1", DateTimeOffset.UnixEpoch)),
            [nameof(IConfigApi.GetMappingsAsync)] = _ => Task.FromResult<IReadOnlyList<Mapping>>(_mappings),
            [nameof(IConfigApi.GetLinkAsync)] = a => Task.FromResult(FakeApi.Response(_links.GetValueOrDefault((string)a[0]!))),
        });
        var previews = FakeApi.Create<IPreviewsApi>(new Dictionary<string, Func<object?[], object?>>
        {
            [nameof(IPreviewsApi.GetTechnicianLinkAsync)] = a => Task.FromResult(FakeApi.Response(_owners.GetValueOrDefault((long)a[0]!))),
        });
        var options = Options.Create(new ProvisionerOptions());
        return new PreviewPlanner(_rescue, new LinkStore(config), previews,
            new ConfigCache(config, options, TimeProvider.System, NullLogger<ConfigCache>.Instance),
            new TechnicianGroupCache(_rescue, options, TimeProvider.System));
    }

    private static UserChanged Change(string id, string name, UserState state = UserState.Enabled, long version = 10) =>
        new(TheMapping.Id, id, version, name, $"{id}@example.org", state, $"uid={id}", DateTimeOffset.UnixEpoch, Guid.NewGuid());

    private RescueTechnician Technician(long node, string id, string name, bool enabled = true, long parent = Group) =>
        _rescue.Add(new RescueTechnician(node, name, "", $"{id}@example.org", "", "", "Technician", false, false, enabled ? "Enabled" : "Disabled", false), parent);

    private void Link(string id, long? node, long version = 5) =>
        _links[id] = new TechnicianLink(id, TheMapping.Id, node, version, UserState.Enabled, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task New_user_without_a_technician_is_created()
    {
        var item = await Planner().PlanAsync(Change("new", "Nina New"), default);

        Assert.Equal(new PreviewItem(PreviewAction.Create, TheMapping.Id, "new", "uid=new", UserState.Enabled, null, null,
            new TechnicianFields("Nina New", "new@example.org", true)), item);
    }

    [Fact]
    public async Task Disabled_mapping_is_planned_as_it_would_be_once_enabled_and_a_deleted_one_is_skipped()
    {
        _mappings[0] = TheMapping with { Enabled = false };
        var item = await Planner().PlanAsync(Change("new", "Nina New"), default);
        Assert.Equal(PreviewAction.Create, item!.Action);

        _mappings.Clear();
        var gone = await Planner().PlanAsync(Change("new", "Nina New"), default);
        Assert.Equal(PreviewAction.Skip, gone!.Action);
        Assert.Contains("was deleted", gone.Note);
    }

    [Fact]
    public async Task Technician_with_the_users_email_is_linked_with_before_and_after_and_one_linked_to_another_user_is_skipped()
    {
        Technician(7, "hand", "Made By Hand");
        var linked = await Planner().PlanAsync(Change("hand", "Hannah Hand"), default);
        Assert.Equal((PreviewAction.Link, 7L, "Made By Hand", "Hannah Hand"), (linked!.Action, linked.TechnicianNodeId, linked.Before!.Name, linked.After!.Name));

        _owners[7] = new TechnicianLinkOwner(7, "someone-else", TheMapping.Id);
        var skipped = await Planner().PlanAsync(Change("hand", "Hannah Hand"), default);
        Assert.Equal((PreviewAction.Skip, 7L), (skipped!.Action, skipped.TechnicianNodeId));
        Assert.Contains("already linked to another directory user (someone-else)", skipped.Note);
    }

    [Fact]
    public async Task Linked_technician_is_updated_enabled_or_disabled_and_an_applied_one_is_no_change()
    {
        Technician(1, "ren", "Old Name");
        Link("ren", 1);
        Technician(2, "off", "Otto Off");
        Link("off", 2);
        Technician(3, "on", "Ona On", enabled: false);
        Link("on", 3);
        Technician(4, "same", "Sam Same");
        Link("same", 4);
        var planner = Planner();

        var update = await planner.PlanAsync(Change("ren", "New Name"), default);
        Assert.Equal((PreviewAction.Update, new TechnicianFields("Old Name", "ren@example.org", true), new TechnicianFields("New Name", "ren@example.org", true)),
            (update!.Action, update.Before, update.After));
        Assert.Equal(PreviewAction.Disable, (await planner.PlanAsync(Change("off", "Otto Off", UserState.OutOfScope), default))!.Action);
        Assert.Equal(PreviewAction.Disable, (await planner.PlanAsync(Change("off", "Otto Off", UserState.Deleted), default))!.Action);
        Assert.Equal(PreviewAction.Enable, (await planner.PlanAsync(Change("on", "Ona On"), default))!.Action);
        Assert.Null(await planner.PlanAsync(Change("same", "Sam Same"), default));
    }

    [Fact]
    public async Task Moved_technician_gets_its_status_only_and_a_rename_alone_is_no_change()
    {
        Technician(9, "mov", "Admin's Name", parent: 555);
        Link("mov", 9);
        var planner = Planner();

        Assert.Null(await planner.PlanAsync(Change("mov", "Directory Name"), default));
        var disable = await planner.PlanAsync(Change("mov", "Directory Name", UserState.Disabled), default);
        Assert.Equal((PreviewAction.Disable, "Admin's Name", false, PreviewPlanner.MovedNote),
            (disable!.Action, disable.After!.Name, disable.After.Enabled, disable.Note));
    }

    [Fact]
    public async Task Stale_versions_disabled_users_without_technician_and_users_without_email_change_nothing_or_are_skipped()
    {
        Technician(1, "old", "Old");
        Link("old", 1, version: 20);
        var planner = Planner();

        Assert.Null(await planner.PlanAsync(Change("old", "Renamed", version: 20), default));
        Assert.Null(await planner.PlanAsync(Change("ghost", "Ghost", UserState.Disabled), default));
        var noMail = await planner.PlanAsync(Change("nomail", "No Mail") with { Email = "" }, default);
        Assert.Equal(PreviewAction.Skip, noMail!.Action);
        Assert.Contains("no usable name or email", noMail.Note);
    }

    [Fact]
    public async Task Plan_counts_unchanged_users_and_never_calls_a_writing_method_nor_carries_the_default_password()
    {
        Technician(1, "keep", "Kim Keep");
        Link("keep", 1);
        var input = new PreviewInput(Guid.NewGuid(), new Dictionary<Guid, PreviewMappingRead>
        {
            [TheMapping.Id] = new([Change("new", "Nina New"), Change("keep", "Kim Keep")], Unchanged: 4),
        });

        var plan = await Planner().PlanAsync(input, default);

        Assert.Equal(new PreviewSummary(Create: 1, Link: 0, Update: 0, Enable: 0, Disable: 0, Skip: 0, NoChange: 5), plan.Summary);
        Assert.Empty(_rescue.Writes);
        Assert.DoesNotContain("Secret-Default-1", System.Text.Json.JsonSerializer.Serialize(plan));
    }

    /// <summary>Rescue in memory; any write is recorded (and must not happen).</summary>
    private sealed class FakeRescue : IRescueClient
    {
        private readonly Dictionary<long, (RescueTechnician Technician, long Parent)> _nodes = [];

        public List<string> Writes { get; } = [];

        public RescueTechnician Add(RescueTechnician technician, long parent)
        {
            _nodes[technician.NodeId] = (technician, parent);
            return technician;
        }

        public Task<RescueTechnician?> FindByEmailAsync(string email, CancellationToken ct) =>
            Task.FromResult(_nodes.Values.Select(n => n.Technician).FirstOrDefault(t => string.Equals(t.Email, email, StringComparison.OrdinalIgnoreCase)));

        public Task<RescueTechnician?> GetAsync(long nodeId, CancellationToken ct) => Task.FromResult<RescueTechnician?>(_nodes.GetValueOrDefault(nodeId).Technician);

        public Task<long> CreateUserAsync(long parentGroupId, CancellationToken ct)
        {
            Writes.Add("createUser");
            return Task.FromResult(0L);
        }

        public Task SetUserAsync(SetUserCommand command, CancellationToken ct)
        {
            Writes.Add("setUser_v2");
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<RescueNode>> GetHierarchyAsync(CancellationToken ct) => GetHierarchyAsync(0, ct);

        public Task<IReadOnlyList<RescueNode>> GetHierarchyAsync(long node, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<RescueNode>>(
            [
                new RescueNode(node, 0, "group", "", "", "", "Group"),
                .. _nodes.Values.Where(n => n.Parent == node).Select(n => new RescueNode(n.Technician.NodeId, n.Parent, n.Technician.Name, n.Technician.Email, "", n.Technician.Status, "Technician")),
            ]);

        public Task<RescueAccountInfo> GetAccountAsync(CancellationToken ct) => throw new NotSupportedException();
    }
}
