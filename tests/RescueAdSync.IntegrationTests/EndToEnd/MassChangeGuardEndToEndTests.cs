using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;

namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>Rule 10 of docs/rules.md through the whole system: real slapd, RabbitMQ, config service, reader, provisioner and emulator.</summary>
[Collection(SlapdCollection.Name)]
public sealed class MassChangeGuardEndToEndTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Mass_removal_is_held_until_approved_a_rejected_plan_is_held_again_and_the_approved_run_applies_the_directory_as_it_is()
    {
        var server = slapd.Server;
        var ou = $"ou=guard{_id},{server.BaseDn}";
        var group = $"cn=techs{_id},{ou}";
        string User(string name) => $"uid={name}{_id},{ou}";
        string Mail(string name) => $"{name}{_id}@example.org";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        string[] names = ["keeper", "ann", "bob", "cid", "dan"];
        foreach (var name in names.Append("eve"))
        {
            ldap.Add(User(name), Person(name, Mail(name)));
        }
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [.. names.Select(User)]));

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn,
            server.AdminPassword, server.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "e2e-guard");
        await stack.EventuallyAsync(async () => (await stack.Emulator.GetTechniciansAsync()).Count(t => t.Status == "Enabled") == names.Length,
            "every member provisioned");
        // The operator tightens the guard: more than 2 disables in one cycle wait for a decision.
        (await stack.ConfigAdmin.PutAsJsonAsync($"/api/mappings/{stack.MappingId}",
            new MappingSettings(group, stack.TechnicianGroupId, GuardMaxDisables: 2, GuardMaxDisablePercent: 100))).EnsureSuccessStatusCode();
        await stack.EventuallyAsync(async () => (await GetMappingAsync(stack)).GuardMaxDisables == 2, "the new threshold stored");

        // A wrong edit empties the group but for two members, in one modification.
        ldap.Replace(group, "member", User("keeper"), User("dan"));
        var first = await WaitForOpenPlanAsync(stack, HeldPlanStatus.Held, exceptId: null);
        Assert.Equal((3, 5, 3), (first.Disables, first.EnabledMembers, first.TotalChanges));
        var held = (await stack.GetSyncLogAsync()).Single(e => e.ErrorCode == "GUARD_HELD");
        Assert.Equal((SyncLogLevel.Warning, stack.MappingId), (held.Level, held.MappingId));
        Assert.Contains("more than the mapping's limit of 2", held.Message);
        var readerMetrics = await stack.GetMetricsAsync(stack.Service("ad-reader"));
        Assert.Contains($"adsync_reader_guard_holding{{mapping=\"{stack.MappingId}\"}} 1", readerMetrics);
        var details = (await stack.ConfigAdmin.GetFromJsonAsync<HeldPlan>($"/api/held-plans/{first.Id}"))!;
        Assert.Equal(["ann", "bob", "cid"], details.Changes.Select(c => c.Email.Replace($"{_id}@example.org", "")).Order());

        // While held, nothing of the mapping moves: a new member waits too.
        ldap.AddValue(group, "member", User("eve"));
        Assert.Equal(HttpStatusCodeOk, (await stack.ConfigAdmin.PostAsync($"/api/held-plans/{first.Id}/reject", null)).StatusCode);

        // Rejected, with the directory still wrong: held again, now with eve's arrival in the plan.
        var second = await WaitForOpenPlanAsync(stack, HeldPlanStatus.Held, exceptId: first.Id);
        Assert.Equal((3, 4), (second.Disables, second.TotalChanges));
        var technicians = await stack.Emulator.GetTechniciansAsync();
        Assert.All(names.Select(Mail), mail => Assert.Equal("Enabled", technicians.Single(t => t.Email == mail).Status));
        Assert.DoesNotContain(technicians, t => t.Email == Mail("eve"));

        // Approved: the run is recomputed from the unadvanced state, so it applies what the directory says now.
        var approved = await stack.ConfigAdmin.PostAsync($"/api/held-plans/{second.Id}/approve", null);
        Assert.Equal(HttpStatusCodeOk, approved.StatusCode);
        await stack.EventuallyAsync(async () =>
        {
            var now = await stack.Emulator.GetTechniciansAsync();
            return new[] { "ann", "bob", "cid" }.All(n => now.Any(t => t.Email == Mail(n) && t.Status == "Disabled"))
                && new[] { "keeper", "dan", "eve" }.All(n => now.Any(t => t.Email == Mail(n) && t.Status == "Enabled"));
        }, "the approved plan applied: three disabled, eve created");
        await stack.EventuallyAsync(async () =>
            (await stack.ConfigAdmin.GetFromJsonAsync<HeldPlan>($"/api/held-plans/{second.Id}"))!.Status == HeldPlanStatus.Applied, "the plan marked applied");
        var mapping = await GetMappingAsync(stack);
        Assert.Null(mapping.OpenPlanStatus);
        Assert.Contains("GUARD_APPLIED", (await stack.GetSyncLogAsync()).Select(e => e.ErrorCode));
        await stack.EventuallyAsync(async () =>
            (await stack.GetMetricsAsync(stack.Service("ad-reader"))).Contains($"adsync_reader_guard_holding{{mapping=\"{stack.MappingId}\"}} 0", StringComparison.Ordinal),
            "the guard metric back to 0");

        var all = await stack.Emulator.GetTechniciansAsync();
        Assert.Equal(6, all.Count);
        Assert.DoesNotContain(all, t => t.Deleted);
        Assert.DoesNotContain(await stack.Emulator.GetCalledMethodsAsync(), m => m.Equals("deleteNode", StringComparison.OrdinalIgnoreCase));
    }

    private const System.Net.HttpStatusCode HttpStatusCodeOk = System.Net.HttpStatusCode.OK;

    private static async Task<Mapping> GetMappingAsync(SyncStack stack) =>
        (await stack.ConfigAdmin.GetFromJsonAsync<Mapping>($"/api/mappings/{stack.MappingId}"))!;

    private static async Task<HeldPlan> WaitForOpenPlanAsync(SyncStack stack, HeldPlanStatus status, Guid? exceptId)
    {
        HeldPlan? found = null;
        await stack.EventuallyAsync(async () =>
        {
            var open = await stack.ConfigAdmin.GetFromJsonAsync<HeldPlan[]>($"/api/held-plans?open=true&mappingId={stack.MappingId}");
            found = open!.FirstOrDefault(p => p.Status == status && p.Id != exceptId);
            return found is not null;
        }, $"a {status} plan", TimeSpan.FromSeconds(90));
        return found!;
    }

    private static (string, string[])[] Person(string name, string mail) =>
    [
        ("objectClass", ["inetOrgPerson"]),
        ("cn", [name]),
        ("sn", [name]),
        ("displayName", [$"{name} tester"]),
        ("mail", [mail]),
    ];
}
