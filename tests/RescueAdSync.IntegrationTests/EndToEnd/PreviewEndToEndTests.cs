using System.Net;
using System.Net.Http.Json;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.Contracts.Previews;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;

namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>Preview (dry run) through the whole system: real slapd, RabbitMQ, config service, reader, provisioner and emulator.</summary>
[Collection(SlapdCollection.Name)]
public sealed class PreviewEndToEndTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly string[] RescueWrites = ["createUser", "setUser_v2", "moveNode", "deleteNode"];
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Preview_plans_create_link_update_disable_and_no_change_without_changing_anything_and_the_sync_then_does_exactly_that()
    {
        var server = slapd.Server;
        var ou = $"ou=preview{_id},{server.BaseDn}";
        var group = $"cn=techs{_id},{ou}";
        string User(string name) => $"uid={name}{_id},{ou}";
        string Mail(string name) => $"{name}{_id}@example.org";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        ldap.Add(User("keep"), Person("Kim Keep", Mail("keep")));
        ldap.Add(User("upd"), Person("Uma Old", Mail("upd")));
        ldap.Add(User("gone"), Person("Gus Gone", Mail("gone")));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [User("keep"), User("upd"), User("gone")]));

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn,
            server.AdminPassword, server.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "e2e-preview");
        var keep = await stack.WaitForTechnicianAsync(t => t.Email == Mail("keep") && t.Status == "Enabled", "for keep");
        var upd = await stack.WaitForTechnicianAsync(t => t.Email == Mail("upd") && t.Status == "Enabled", "for upd");
        var gone = await stack.WaitForTechnicianAsync(t => t.Email == Mail("gone") && t.Status == "Enabled", "for gone");

        // Any disable holds the mapping for an operator, so the sync applies nothing while the operator previews.
        (await stack.ConfigAdmin.PutAsJsonAsync($"/api/mappings/{stack.MappingId}",
            new MappingSettings(group, stack.TechnicianGroupId, GuardMaxDisables: 0, GuardMaxDisablePercent: 100))).EnsureSuccessStatusCode();
        await stack.EventuallyAsync(async () =>
            (await stack.ConfigAdmin.GetFromJsonAsync<Mapping>($"/api/mappings/{stack.MappingId}"))!.GuardMaxDisables == 0, "the guard tightened");
        ldap.RemoveValue(group, "member", User("gone"));
        HeldPlan? held = null;
        await stack.EventuallyAsync(async () =>
        {
            held = (await stack.ConfigAdmin.GetFromJsonAsync<HeldPlan[]>($"/api/held-plans?open=true&mappingId={stack.MappingId}"))!
                .FirstOrDefault(p => p.Status == HeldPlanStatus.Held);
            return held is not null;
        }, "the mapping held", TimeSpan.FromSeconds(90));

        // While held: a rename, a new member, and a member whose email a hand-made technician already has.
        var handMade = await stack.Emulator.CreateTechnicianAsync(stack.TechnicianGroupId, "Made By Hand", Mail("linkme"));
        ldap.Replace(User("upd"), "displayName", "Uma New");
        ldap.Add(User("newbie"), Person("Nina Newbie", Mail("newbie")));
        ldap.Add(User("linkme"), Person("Lars Linked", Mail("linkme")));
        ldap.AddValue(group, "member", User("newbie"));
        ldap.AddValue(group, "member", User("linkme"));
        var newbieId = ldap.Read(User("newbie"), "entryUUID");
        var linkmeId = ldap.Read(User("linkme"), "entryUUID");
        var updId = ldap.Read(User("upd"), "entryUUID");
        var goneId = ldap.Read(User("gone"), "entryUUID");

        var linksBefore = await stack.ConfigAdmin.GetStringAsync($"/api/links?mappingId={stack.MappingId}");
        var techniciansBefore = await stack.Emulator.GetTechniciansAsync();
        var lastCall = (await stack.Emulator.GetCallsAsync()).Select(c => c.Sequence).DefaultIfEmpty(0).Max();

        var requested = await stack.ConfigAdmin.PostAsJsonAsync("/api/previews", new NewPreview(stack.MappingId));
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var preview = (await requested.Content.ReadFromJsonAsync<Preview>())!;
        Assert.Equal(PreviewStatus.Pending, preview.Status);
        await stack.EventuallyAsync(async () =>
        {
            preview = (await stack.ConfigAdmin.GetFromJsonAsync<Preview>($"/api/previews/{preview.Id}"))!;
            return preview.Status is PreviewStatus.Ready or PreviewStatus.Failed;
        }, "the preview ready", TimeSpan.FromSeconds(90));
        Assert.True(preview.Status == PreviewStatus.Ready, $"preview {preview.Status}: {preview.Error}");

        // The plan.
        Assert.Equal(new PreviewSummary(Create: 1, Link: 1, Update: 1, Enable: 0, Disable: 1, Skip: 0, NoChange: 1), preview.Summary);
        var items = preview.Items!.ToDictionary(i => i.DirectoryUserId);
        Assert.Equal((PreviewAction.Create, (long?)null, (TechnicianFields?)null, new TechnicianFields("Nina Newbie", Mail("newbie"), true)),
            (items[newbieId].Action, items[newbieId].TechnicianNodeId, items[newbieId].Before, items[newbieId].After));
        Assert.Equal((PreviewAction.Link, (long?)handMade, new TechnicianFields("Made By Hand", Mail("linkme"), true), new TechnicianFields("Lars Linked", Mail("linkme"), true)),
            (items[linkmeId].Action, items[linkmeId].TechnicianNodeId, items[linkmeId].Before, items[linkmeId].After));
        Assert.Equal((PreviewAction.Update, (long?)upd.NodeId, new TechnicianFields("Uma Old", Mail("upd"), true), new TechnicianFields("Uma New", Mail("upd"), true)),
            (items[updId].Action, items[updId].TechnicianNodeId, items[updId].Before, items[updId].After));
        Assert.Equal((PreviewAction.Disable, (long?)gone.NodeId, UserState.OutOfScope, true, false),
            (items[goneId].Action, items[goneId].TechnicianNodeId, items[goneId].DirectoryState, items[goneId].Before!.Enabled, items[goneId].After!.Enabled));

        // Nothing changed: only read calls reached Rescue, no link was written, no technician touched.
        var duringPreview = (await stack.Emulator.GetCallsAsync()).Where(c => c.Sequence > lastCall).Select(c => c.Method).ToList();
        Assert.Contains("getUser_v3", duringPreview);
        Assert.DoesNotContain(duringPreview, m => RescueWrites.Contains(m, StringComparer.OrdinalIgnoreCase));
        Assert.Equal(linksBefore, await stack.ConfigAdmin.GetStringAsync($"/api/links?mappingId={stack.MappingId}"));
        Assert.Equal(techniciansBefore, await stack.Emulator.GetTechniciansAsync());
        Assert.Equal(HeldPlanStatus.Held, (await stack.ConfigAdmin.GetFromJsonAsync<HeldPlan>($"/api/held-plans/{held!.Id}"))!.Status);

        // The CSV export of the same plan.
        var csv = await stack.ConfigAdmin.GetAsync($"/api/previews/{preview.Id}?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Contains(lines, l => l.StartsWith($"Update,{stack.MappingId},{updId},", StringComparison.Ordinal) && l.Contains("Uma Old,Uma New", StringComparison.Ordinal));

        // The operator approves: the real sync does exactly what the plan said, and nothing else.
        Assert.Equal(HttpStatusCode.OK, (await stack.ConfigAdmin.PostAsync($"/api/held-plans/{held.Id}/approve", null)).StatusCode);
        await stack.WaitForTechnicianAsync(t => t.Email == Mail("newbie") && t.Name == "Nina Newbie" && t.Status == "Enabled", "newbie created");
        await stack.WaitForTechnicianAsync(t => t.NodeId == handMade && t.Name == "Lars Linked" && t.Status == "Enabled", "linkme linked");
        await stack.WaitForTechnicianAsync(t => t.NodeId == upd.NodeId && t.Name == "Uma New", "upd renamed");
        await stack.WaitForTechnicianAsync(t => t.NodeId == gone.NodeId && t.Status == "Disabled", "gone disabled");
        var after = await stack.Emulator.GetTechniciansAsync();
        Assert.Equal(5, after.Count);
        Assert.Equal(keep, after.Single(t => t.NodeId == keep.NodeId));
        var writes = (await stack.Emulator.GetCallsAsync()).Where(c => c.Sequence > lastCall && RescueWrites.Contains(c.Method)).ToList();
        Assert.Single(writes, c => c.Method == "createUser");
        var newbie = after.Single(t => t.Email == Mail("newbie"));
        Assert.Equal(
            new[] { newbie.NodeId, handMade, upd.NodeId, gone.NodeId }.Order(),
            writes.Where(c => c.Method == "setUser_v2").Select(c => long.Parse(c.Parameters["node"], System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order());
        Assert.Equal(handMade, (await stack.ConfigAdmin.GetFromJsonAsync<TechnicianLink>($"/api/links/{linkmeId}"))!.TechnicianNodeId);
        Assert.Contains("PREVIEW_READY", (await stack.GetSyncLogAsync()).Select(e => e.ErrorCode));
    }

    [Fact]
    public async Task Preview_of_a_disabled_mapping_plans_its_members_while_the_sync_leaves_them_alone()
    {
        var server = slapd.Server;
        var ou = $"ou=previewoff{_id},{server.BaseDn}";
        var group = $"cn=techs{_id},{ou}";
        var later = $"cn=later{_id},{ou}";
        string User(string name) => $"uid={name}{_id},{ou}";
        string Mail(string name) => $"{name}{_id}@example.org";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        ldap.Add(User("keep"), Person("Kim Keep", Mail("keep")));
        ldap.Add(User("ann"), Person("Ann Later", Mail("ann")));
        ldap.Add(User("bob"), Person("Bob Later", Mail("bob")));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [User("keep")]));
        ldap.Add(later, ("objectClass", ["groupOfNames"]), ("member", [User("ann"), User("bob")]));

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn,
            server.AdminPassword, server.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "e2e-preview-off");
        var keep = await stack.WaitForTechnicianAsync(t => t.Email == Mail("keep") && t.Status == "Enabled", "for keep");

        // A mapping the operator has not enabled yet: the guide says to preview it first.
        var created = await stack.ConfigAdmin.PostAsJsonAsync("/api/mappings", new MappingSettings(later, stack.TechnicianGroupId, Enabled: false));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var off = (await created.Content.ReadFromJsonAsync<Mapping>())!;
        var lastCall = (await stack.Emulator.GetCallsAsync()).Select(c => c.Sequence).DefaultIfEmpty(0).Max();

        var requested = await stack.ConfigAdmin.PostAsJsonAsync("/api/previews", new NewPreview(off.Id));
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var preview = (await requested.Content.ReadFromJsonAsync<Preview>())!;
        await stack.EventuallyAsync(async () =>
        {
            preview = (await stack.ConfigAdmin.GetFromJsonAsync<Preview>($"/api/previews/{preview.Id}"))!;
            return preview.Status is PreviewStatus.Ready or PreviewStatus.Failed;
        }, "the preview ready", TimeSpan.FromSeconds(90));
        Assert.True(preview.Status == PreviewStatus.Ready, $"preview {preview.Status}: {preview.Error}");
        Assert.Equal(new PreviewSummary(Create: 2, Link: 0, Update: 0, Enable: 0, Disable: 0, Skip: 0, NoChange: 0), preview.Summary);
        string[] members = [ldap.Read(User("ann"), "entryUUID"), ldap.Read(User("bob"), "entryUUID")];
        Assert.Equal(members.Order(StringComparer.Ordinal), preview.Items!.Select(i => i.DirectoryUserId).Order(StringComparer.Ordinal));
        Assert.All(preview.Items!, item => Assert.Equal((PreviewAction.Create, off.Id), (item.Action, item.MappingId)));

        // A later cycle of the enabled mapping runs (the rename arrives) and still leaves the disabled mapping's users alone.
        ldap.Replace(User("keep"), "displayName", "Kim Kept");
        await stack.WaitForTechnicianAsync(t => t.NodeId == keep.NodeId && t.Name == "Kim Kept", "keep renamed");
        Assert.DoesNotContain(await stack.Emulator.GetTechniciansAsync(), t => t.Email == Mail("ann") || t.Email == Mail("bob"));
        Assert.DoesNotContain(await stack.Emulator.GetCallsAsync(), c => c.Sequence > lastCall && c.Method == "createUser");
        Assert.Empty((await stack.ConfigAdmin.GetFromJsonAsync<TechnicianLink[]>($"/api/links?mappingId={off.Id}"))!);
        Assert.False((await stack.ConfigAdmin.GetFromJsonAsync<Mapping>($"/api/mappings/{off.Id}"))!.Enabled);
    }

    private static (string, string[])[] Person(string name, string mail) =>
    [
        ("objectClass", ["inetOrgPerson"]),
        ("cn", [name]),
        ("sn", [name.Split(' ')[^1]]),
        ("displayName", [name]),
        ("mail", [mail]),
    ];
}
