using System.Net;
using System.Net.Http.Json;
using RescueAdSync.Config.Apis;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

public class LinksApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    [Fact]
    public async Task Unknown_user_has_no_link()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Provisioner.GetAsync("/api/links/no-such-user")).StatusCode);
    }

    [Fact]
    public async Task Link_is_stored_and_read_back()
    {
        var put = await factory.Provisioner.PutAsJsonAsync("/api/links/user-a", Samples.Link("user-a", 10, nodeId: 555));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var link = await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-a");
        Assert.NotNull(link);
        Assert.Equal(555, link.TechnicianNodeId);
        Assert.Equal(10, link.Version);
        Assert.Equal(UserState.Enabled, link.State);
        Assert.True(link.UpdatedAt > DateTimeOffset.UnixEpoch, "the server stamps the time");
    }

    [Fact]
    public async Task Stale_version_is_refused_with_409_and_the_newer_link_is_kept()
    {
        await factory.Provisioner.PutAsJsonAsync("/api/links/user-b", Samples.Link("user-b", 20, state: UserState.Disabled));

        var stale = await factory.Provisioner.PutAsJsonAsync("/api/links/user-b", Samples.Link("user-b", 19, state: UserState.Enabled));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var same = await factory.Provisioner.PutAsJsonAsync("/api/links/user-b", Samples.Link("user-b", 20, state: UserState.Disabled));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);

        var link = await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-b");
        Assert.Equal(20, link!.Version);
        Assert.Equal(UserState.Disabled, link.State);

        var newer = await factory.Provisioner.PutAsJsonAsync("/api/links/user-b", Samples.Link("user-b", 21, state: UserState.Deleted));
        Assert.Equal(HttpStatusCode.OK, newer.StatusCode);
        Assert.Equal(UserState.Deleted, (await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-b"))!.State);
    }

    [Fact]
    public async Task Parallel_puts_leave_the_highest_version_and_every_lower_one_that_lost_gets_409()
    {
        var versions = Enumerable.Range(1, 40).OrderBy(_ => Random.Shared.Next()).ToArray();
        var clients = Enumerable.Range(0, 8).Select(_ => factory.Provisioner).ToArray();

        var responses = await Task.WhenAll(versions.Select((version, i) =>
            clients[i % clients.Length].PutAsJsonAsync("/api/links/user-race", Samples.Link("user-race", version, nodeId: 9040, state: version % 2 == 0 ? UserState.Enabled : UserState.Disabled))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        Assert.Equal(HttpStatusCode.OK, responses[Array.IndexOf(versions, 40)].StatusCode);
        var link = await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-race");
        Assert.Equal(40, link!.Version);
        Assert.Equal(9040, link.TechnicianNodeId);
        Assert.Equal(UserState.Enabled, link.State);
    }

    [Fact]
    public async Task Link_with_an_id_other_than_the_url_or_a_non_positive_node_is_refused()
    {
        var mismatch = await factory.Provisioner.PutAsJsonAsync("/api/links/user-c", Samples.Link("user-other", 1));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        var noNode = await factory.Provisioner.PutAsJsonAsync("/api/links/user-c", Samples.Link("user-c", 1, nodeId: 0));
        Assert.Equal(HttpStatusCode.BadRequest, noNode.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Provisioner.GetAsync("/api/links/user-c")).StatusCode);
    }

    [Fact]
    public async Task Admin_lists_links_filtered_by_mapping()
    {
        var mapping = Guid.NewGuid();
        await factory.Provisioner.PutAsJsonAsync("/api/links/user-l1", Samples.Link("user-l1", 1, mapping));
        await factory.Provisioner.PutAsJsonAsync("/api/links/user-l2", Samples.Link("user-l2", 1, mapping));

        var links = await factory.Admin.GetFromJsonAsync<TechnicianLink[]>($"/api/links?mappingId={mapping}");
        Assert.Equal(["user-l1", "user-l2"], links!.Select(l => l.DirectoryUserId));
        var page = await factory.Admin.GetFromJsonAsync<TechnicianLink[]>($"/api/links?mappingId={mapping}&skip=1&take=1");
        Assert.Equal("user-l2", Assert.Single(page!).DirectoryUserId);
    }

    [Fact]
    public async Task Link_without_a_technician_keeps_the_version_and_takes_its_technician_later()
    {
        var pending = DateTimeOffset.Parse("2026-01-02T03:04:05.678Z", System.Globalization.CultureInfo.InvariantCulture);
        var none = await factory.Provisioner.PutAsJsonAsync("/api/links/user-n",
            Samples.Link("user-n", 5, state: UserState.Disabled) with { TechnicianNodeId = null, CreatePendingSince = pending });
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        var stored = await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-n");
        Assert.Equal((null, 5L, UserState.Disabled, pending), (stored!.TechnicianNodeId, stored.Version, stored.State, stored.CreatePendingSince));

        // An older version is stale even though no technician exists yet.
        Assert.Equal(HttpStatusCode.Conflict, (await factory.Provisioner.PutAsJsonAsync("/api/links/user-n", Samples.Link("user-n", 4, nodeId: 7001))).StatusCode);

        var claimed = await factory.Provisioner.PutAsJsonAsync("/api/links/user-n", Samples.Link("user-n", 5, nodeId: 7001));
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        stored = await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-n");
        Assert.Equal((7001L, (DateTimeOffset?)null), (stored!.TechnicianNodeId, stored.CreatePendingSince));
    }

    [Fact]
    public async Task A_technician_belongs_to_one_user_and_a_users_technician_never_changes()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Provisioner.PutAsJsonAsync("/api/links/user-o1", Samples.Link("user-o1", 0, nodeId: 7100))).StatusCode);

        // Another user (new, or one without a technician) cannot claim it: the claim that keeps two users off one technician.
        var taken = await factory.Provisioner.PutAsJsonAsync("/api/links/user-o2", Samples.Link("user-o2", 0, nodeId: 7100));
        await AssertConflictAsync(taken, "technician-linked-elsewhere");
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Provisioner.GetAsync("/api/links/user-o2")).StatusCode);
        await factory.Provisioner.PutAsJsonAsync("/api/links/user-o2", Samples.Link("user-o2", 0) with { TechnicianNodeId = null });
        await AssertConflictAsync(await factory.Provisioner.PutAsJsonAsync("/api/links/user-o2", Samples.Link("user-o2", 1, nodeId: 7100)),
            "technician-linked-elsewhere");

        // The owner keeps it: neither another technician nor none replaces it.
        await AssertConflictAsync(await factory.Provisioner.PutAsJsonAsync("/api/links/user-o1", Samples.Link("user-o1", 1, nodeId: 7101)), "technician-bound");
        await AssertConflictAsync(await factory.Provisioner.PutAsJsonAsync("/api/links/user-o1", Samples.Link("user-o1", 1) with { TechnicianNodeId = null }),
            "technician-bound");
        Assert.Equal(HttpStatusCode.OK, (await factory.Provisioner.PutAsJsonAsync("/api/links/user-o1", Samples.Link("user-o1", 2, nodeId: 7100))).StatusCode);
        var link = await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-o1");
        Assert.Equal((7100L, 2L), (link!.TechnicianNodeId, link.Version));
    }

    [Fact]
    public async Task A_batch_writes_each_link_as_a_single_put_would_and_answers_for_each_in_order()
    {
        await factory.Provisioner.PutAsJsonAsync("/api/links/user-b1", Samples.Link("user-b1", 10, nodeId: 7201));
        await factory.Provisioner.PutAsJsonAsync("/api/links/user-b2", Samples.Link("user-b2", 1, nodeId: 7202));

        var response = await factory.Provisioner.PostAsJsonAsync("/api/links/batch", new[]
        {
            Samples.Link("user-b3", 3, nodeId: 7203),                              // new: stored
            Samples.Link("user-b1", 9, nodeId: 7201),                              // older version: stale
            Samples.Link("user-b2", 2, nodeId: 7299),                              // another technician: bound
            Samples.Link("user-b4", 1, nodeId: 7201),                              // user-b1's technician: linked elsewhere
            Samples.Link("user-b5", -1),                                           // invalid: refused alone
            Samples.Link("user-b1", 11, nodeId: 7201, state: UserState.Disabled),  // newer: stored
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<LinkWriteResult[]>())!;
        Assert.Equal(["user-b3", "user-b1", "user-b2", "user-b4", "user-b5", "user-b1"], results.Select(r => r.DirectoryUserId));
        Assert.Equal([200, 409, 409, 409, 400, 200], results.Select(r => r.Status));
        Assert.Equal([null, "stale-version", "technician-bound", "technician-linked-elsewhere", null, null], results.Select(r => r.Reason));
        Assert.Equal(10, results[1].StoredVersion);
        Assert.Contains("version", results[4].Errors!.Keys);

        Assert.Equal(7203, (await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-b3"))!.TechnicianNodeId);
        var b1 = await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-b1");
        Assert.Equal((11L, UserState.Disabled), (b1!.Version, b1.State));
        Assert.Equal(7202, (await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-b2"))!.TechnicianNodeId);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Provisioner.GetAsync("/api/links/user-b4")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Provisioner.GetAsync("/api/links/user-b5")).StatusCode);
    }

    [Fact]
    public async Task A_batch_that_is_empty_or_too_large_is_refused_and_only_the_provisioner_may_send_one()
    {
        var empty = await factory.Provisioner.PostAsJsonAsync("/api/links/batch", Array.Empty<TechnicianLink>());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("between 1 and 100", await empty.Content.ReadAsStringAsync());

        var tooMany = Enumerable.Range(0, 101).Select(i => Samples.Link($"user-big{i}", 1)).ToArray();
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.Provisioner.PostAsJsonAsync("/api/links/batch", tooMany)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Provisioner.GetAsync("/api/links/user-big0")).StatusCode);

        var reader = await factory.Reader.PostAsJsonAsync("/api/links/batch", new[] { Samples.Link("user-br", 1) });
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Provisioner.GetAsync("/api/links/user-br")).StatusCode);
    }

    private static async Task AssertConflictAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Claiming_a_technician_another_link_holds_answers_409_without_an_error_log()
    {
        var holder = "holder-" + Guid.NewGuid().ToString("N");
        var other = "other-" + Guid.NewGuid().ToString("N");
        var node = Random.Shared.NextInt64(1L << 40, 1L << 50);
        Assert.Equal(HttpStatusCode.OK, (await factory.Provisioner.PutAsJsonAsync($"/api/links/{holder}", Samples.Link(holder, 1, nodeId: node))).StatusCode);
        var intent = Samples.Link(other, 1) with { TechnicianNodeId = null, CreatePendingSince = DateTimeOffset.UtcNow };
        Assert.Equal(HttpStatusCode.OK, (await factory.Provisioner.PutAsJsonAsync($"/api/links/{other}", intent)).StatusCode);
        var logged = factory.Logs.Lines.Count;

        // The guarded UPDATE of the other user's link meets the unique index on the technician.
        var claim = await factory.Provisioner.PutAsJsonAsync($"/api/links/{other}", Samples.Link(other, 2, nodeId: node));

        Assert.Equal(HttpStatusCode.Conflict, claim.StatusCode);
        Assert.Equal(LinksApi.LinkedElsewhere, (await claim.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("reason").GetString());
        Assert.DoesNotContain(factory.Logs.Lines.Skip(logged), line => line.StartsWith("Error ", StringComparison.Ordinal) || line.StartsWith("Critical ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_intent_of_a_user_already_linked_is_stored_without_an_error_log()
    {
        var user = "intent-" + Guid.NewGuid().ToString("N");
        var logged = factory.Logs.Lines.Count;

        // The intent is inserted first; for a user who has a link already that insert meets the primary key, which the
        // write handles by updating instead.
        foreach (var version in new long[] { 1, 2 })
        {
            var intent = Samples.Link(user, version) with { TechnicianNodeId = null, CreatePendingSince = DateTimeOffset.UtcNow };
            Assert.Equal(HttpStatusCode.OK, (await factory.Provisioner.PutAsJsonAsync($"/api/links/{user}", intent)).StatusCode);
        }

        var stored = (await factory.Provisioner.GetFromJsonAsync<TechnicianLink>($"/api/links/{user}"))!;
        Assert.Equal((2L, (long?)null), (stored.Version, stored.TechnicianNodeId));
        Assert.DoesNotContain(factory.Logs.Lines.Skip(logged), line => line.StartsWith("Error ", StringComparison.Ordinal) || line.StartsWith("Critical ", StringComparison.Ordinal));
    }
}
