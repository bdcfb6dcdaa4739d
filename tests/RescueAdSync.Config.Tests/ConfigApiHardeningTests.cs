using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RescueAdSync.Config.Apis;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>Inputs and headers an outside probe of the API found wrong: each is refused or answered as documented.</summary>
public class ConfigApiHardeningTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private const string LinkBody = """{"directoryUserId":"probe-user","mappingId":"0196d5a0-0000-7000-8000-000000000001","version":1,"updatedAt":"2026-01-01T00:00:00Z",""";
    private const string PlanBody = """{"mappingId":"0196d5a0-0000-7000-8000-000000000001","reason":"r","enabledMembers":1,"totalChanges":1,"correlationId":"0196d5a0-0000-7000-8000-000000000009",""";
    private const string Change = """{"directoryUserId":"u","distinguishedName":"CN=u,DC=example,DC=com","displayName":"U","email":"u@example.com","previousState":null,""";
    private const string Summary = "\"summary\":{\"create\":0,\"link\":0,\"update\":0,\"enable\":0,\"disable\":0,\"skip\":0,\"noChange\":0},";

    [Theory]
    [InlineData("provisioner", "PUT", "/api/links/probe-user", LinkBody + """ "technicianNodeId":-1,"state":"Enabled"}""", "technicianNodeId")]
    [InlineData("provisioner", "PUT", "/api/links/probe-user", LinkBody + """ "technicianNodeId":0,"state":"Enabled"}""", "technicianNodeId")]
    [InlineData("provisioner", "PUT", "/api/links/probe-user", LinkBody + """ "technicianNodeId":5}""", "state")]
    [InlineData("provisioner", "PUT", "/api/links/probe-user", LinkBody + """ "technicianNodeId":5,"state":1}""", "state")]
    [InlineData("reader", "POST", "/api/sync-log", """{"source":"reader","operation":"read","message":"m"}""", "level")]
    [InlineData("reader", "POST", "/api/held-plans", PlanBody + """ "changes":[]}""", "disables")]
    [InlineData("reader", "POST", "/api/held-plans", PlanBody + """ "disables":1,"changes":[""" + Change + """ "state":1}]}""", "state")]
    [InlineData("reader", "POST", "/api/held-plans", PlanBody + """ "disables":1,"changes":[""" + Change + """ "state":"Asleep"}]}""", "state")]
    [InlineData("provisioner", "POST", "/api/previews/0196d5a0-0000-7000-8000-000000000005/plan", "{" + Summary + """ "items":[{"action":2,"mappingId":"0196d5a0-0000-7000-8000-000000000001","directoryUserId":"u","distinguishedName":null,"directoryState":"Enabled","technicianNodeId":null,"before":null,"after":null}]}""", "action")]
    public async Task A_value_outside_the_allowed_set_or_a_missing_required_field_is_refused_with_a_400_naming_it(
        string role, string method, string path, string body, string field)
    {
        var client = role == "reader" ? factory.Reader : factory.Provisioner;
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(body) });

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Contains(field, text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Provisioner.GetAsync("/api/links/probe-user")).StatusCode);
    }

    [Theory]
    [InlineData("CN=sync\0,DC=example,DC=com")]
    [InlineData("CN=sync,DC=example,DC=com\r\nCN=admin")]
    [InlineData("sync@example.com\n")]
    public async Task A_bind_DN_with_a_control_character_is_refused(string bindDn)
    {
        var response = await factory.Admin.PutAsJsonAsync("/api/directories/control-chars", Samples.Directory() with { BindDn = bindDn });

        await AssertFieldRefusedAsync(response, "bindDn", "control characters");
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync("/api/directories/control-chars")).StatusCode);
    }

    [Fact]
    public async Task More_than_sixteen_server_URLs_are_refused_and_sixteen_are_stored()
    {
        var many = Enumerable.Range(0, 1000).Select(i => $"ldaps://dc{i}.example.com").ToList();
        var refused = await factory.Admin.PutAsJsonAsync("/api/directories/many-urls", Samples.Directory() with { ServerUrls = many });
        await AssertFieldRefusedAsync(refused, "serverUrls", "At most 16");

        var stored = await factory.Admin.PutAsJsonAsync("/api/directories/many-urls", Samples.Directory() with { ServerUrls = many[..16] });
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t \n")]
    [InlineData("pass\0word")]
    [InlineData("\0")]
    public async Task A_bind_password_of_only_whitespace_or_holding_NUL_is_refused(string password)
    {
        var response = await factory.Admin.PutAsJsonAsync("/api/directories/blank-secret", Samples.Directory() with { BindPassword = password });
        await AssertFieldRefusedAsync(response, "bindPassword", password.Contains('\0') ? "NUL" : "whitespace");
    }

    [Theory]
    [InlineData("mahPassword", " ")]
    [InlineData("serviceToken", "tok\0en")]
    [InlineData("defaultPassword", "   ")]
    [InlineData("defaultPassword", "\0")]
    public async Task A_Rescue_secret_of_only_whitespace_or_holding_NUL_is_refused(string field, string value)
    {
        var account = Samples.Account("https://rescue.example.com/API/");
        account = field switch
        {
            "mahPassword" => account with { MahPassword = value },
            "serviceToken" => account with { ServiceToken = value },
            _ => account with { DefaultPassword = value },
        };

        var response = await factory.Admin.PutAsJsonAsync("/api/rescue-account", account);
        await AssertFieldRefusedAsync(response, field, value.Contains('\0') ? "NUL" : "whitespace");
    }

    [Fact]
    public async Task An_empty_bind_password_on_update_still_keeps_the_stored_one()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directories/keep-secret", Samples.Directory())).StatusCode);
        var update = await factory.Admin.PutAsJsonAsync("/api/directories/keep-secret", Samples.Directory() with { BindPassword = "", PollIntervalSeconds = 9 });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        var credentials = await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directories/keep-secret/credentials");
        Assert.Equal(Samples.BindPassword, credentials!.BindPassword);
        Assert.Equal(9, credentials.PollIntervalSeconds);
    }

    [Fact]
    public async Task Concurrent_PUTs_without_If_Match_creating_then_updating_a_connection_all_succeed_and_one_of_them_is_stored()
    {
        // The first round creates the connection (an insert race), the next ones update it (a revision race).
        for (var round = 0; round < 3; round++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(1, 24).Select(i =>
                factory.Admin.PutAsJsonAsync("/api/directories/racing", Samples.Directory() with { PollIntervalSeconds = 100 + i })));

            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            var stored = await factory.Admin.GetFromJsonAsync<DirectoryConnectionView>("/api/directories/racing");
            Assert.InRange(stored!.PollIntervalSeconds, 101, 124);
        }
    }

    [Fact]
    public async Task Concurrent_mapping_PUTs_without_If_Match_are_never_412()
    {
        var created = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping("CN=Racing,OU=Groups,DC=example,DC=com", 4242));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mapping = (await created.Content.ReadFromJsonAsync<Mapping>())!;

        var responses = await Task.WhenAll(Enumerable.Range(1, 24).Select(i =>
            factory.Admin.PutAsJsonAsync($"/api/mappings/{mapping.Id}",
                Samples.Mapping("CN=Racing,OU=Groups,DC=example,DC=com", 4242) with { GuardMaxDisables = i })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var stored = await factory.Admin.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}");
        Assert.InRange(stored!.GuardMaxDisables, 1, 24);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("W/")]
    public async Task An_If_Match_that_names_no_current_ETag_is_412_and_nothing_is_written(string ifMatch)
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directories/if-match", Samples.Directory())).StatusCode);

        var put = new HttpRequestMessage(HttpMethod.Put, "/api/directories/if-match") { Content = JsonContent.Create(Samples.Directory() with { PollIntervalSeconds = 77 }) };
        put.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await factory.Admin.SendAsync(put)).StatusCode);
        Assert.Equal(5, (await factory.Admin.GetFromJsonAsync<DirectoryConnectionView>("/api/directories/if-match"))!.PollIntervalSeconds);

        var created = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping($"CN=IfMatch{ifMatch.Length},OU=Groups,DC=example,DC=com", 4243));
        var mapping = (await created.Content.ReadFromJsonAsync<Mapping>())!;
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/mappings/{mapping.Id}");
        delete.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await factory.Admin.SendAsync(delete)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.GetAsync($"/api/mappings/{mapping.Id}")).StatusCode);

        var stateDelete = new HttpRequestMessage(HttpMethod.Delete, $"/api/reader-state/{mapping.Id}");
        stateDelete.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        // An unreadable If-Match must not act as "no condition" (which deletes whatever is stored).
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await factory.Admin.SendAsync(stateDelete)).StatusCode);
    }

    [Fact]
    public async Task A_mapping_read_with_its_current_ETag_in_If_None_Match_is_304_until_it_changes_and_the_ETag_still_serves_If_Match()
    {
        var created = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping("CN=Polled,OU=Groups,DC=example,DC=com", 4244));
        var mapping = (await created.Content.ReadFromJsonAsync<Mapping>())!;
        var first = await factory.Reader.GetAsync($"/api/mappings/{mapping.Id}");
        var etag = first.Headers.ETag!;

        var again = new HttpRequestMessage(HttpMethod.Get, $"/api/mappings/{mapping.Id}");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await factory.Reader.SendAsync(again)).StatusCode);

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/mappings/{mapping.Id}")
        {
            Content = JsonContent.Create(Samples.Mapping("CN=Polled,OU=Groups,DC=example,DC=com", 4244) with { GuardMaxDisables = 7 }),
        };
        put.Headers.IfMatch.Add(etag);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.SendAsync(put)).StatusCode);

        var changed = new HttpRequestMessage(HttpMethod.Get, $"/api/mappings/{mapping.Id}");
        changed.Headers.IfNoneMatch.Add(etag);
        var read = await factory.Reader.SendAsync(changed);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(7, (await read.Content.ReadFromJsonAsync<Mapping>())!.GuardMaxDisables);
    }

    [Fact]
    public async Task A_mapping_ETag_changes_when_a_plan_is_held_for_it_and_that_ETag_still_serves_If_Match()
    {
        var created = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping("CN=Held,OU=Groups,DC=example,DC=com", 4245));
        var mapping = (await created.Content.ReadFromJsonAsync<Mapping>())!;
        var before = (await factory.Reader.GetAsync($"/api/mappings/{mapping.Id}")).Headers.ETag!;

        var plan = new RescueAdSync.Contracts.Operations.NewHeldPlan(mapping.Id, "Would disable 1 of 1.", 1, 1, 1, [], Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Created, (await factory.Reader.PostAsJsonAsync("/api/held-plans", plan)).StatusCode);

        var held = new HttpRequestMessage(HttpMethod.Get, $"/api/mappings/{mapping.Id}");
        held.Headers.IfNoneMatch.Add(before);
        var read = await factory.Reader.SendAsync(held);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.NotNull((await read.Content.ReadFromJsonAsync<Mapping>())!.OpenPlanId);
        Assert.NotEqual(before, read.Headers.ETag);

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/mappings/{mapping.Id}")
        {
            Content = JsonContent.Create(Samples.Mapping("CN=Held,OU=Groups,DC=example,DC=com", 4245) with { GuardMaxDisables = 9 }),
        };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.SendAsync(put)).StatusCode);
    }

    [Fact]
    public async Task Directory_credentials_are_sent_with_Cache_Control_no_store()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directory", Samples.Directory())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directories/no-store", Samples.Directory())).StatusCode);

        foreach (var path in new[] { "/api/directory/credentials", "/api/directories/no-store/credentials" })
        {
            var response = await factory.Reader.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control {response.Headers.CacheControl}");
        }

        Assert.False((await factory.Admin.GetAsync("/api/directories/no-store")).Headers.CacheControl?.NoStore ?? false,
            "only the answers holding secrets are marked");
    }

    [Fact]
    public async Task Rescue_credentials_are_sent_with_Cache_Control_no_store()
    {
        using var rescue = RescueEmulatorHost.Start();
        using var own = new ConfigApiFactory();
        Assert.Equal(HttpStatusCode.OK, (await own.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(rescue.ApiBaseUrl))).StatusCode);

        var response = await own.Provisioner.GetAsync("/api/rescue-account/credentials");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control {response.Headers.CacheControl}");
    }

    [Fact]
    public async Task Every_answer_carries_X_Content_Type_Options_nosniff()
    {
        var answers = new[]
        {
            await factory.Admin.GetAsync("/api/mappings"),
            await factory.Admin.PostAsync("/api/mappings", Json("{ broken")),
            await factory.ClientWithKey(null).GetAsync("/api/mappings"),
            await factory.Admin.GetAsync($"/api/mappings/{Guid.NewGuid()}"),
            await factory.Reader.GetAsync("/api/rescue-account"),
        };

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.Forbidden],
            answers.Select(a => a.StatusCode));
        Assert.All(answers, a => Assert.Equal(["nosniff"], a.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task A_429_after_repeated_failed_authentication_has_a_ProblemDetails_body_and_Retry_After()
    {
        using var own = new ConfigApiFactory();
        own.Settings["Auth:FailedAttemptsPerMinute"] = "2";
        var wrong = own.ClientWithKey("wrong-key-wrong-key-wrong");
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/mappings")).StatusCode);
        }

        var blocked = await wrong.GetAsync("/api/mappings");
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        var retryAfter = blocked.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType?.MediaType);
        var problem = await blocked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("Too many failed authentications from this address.", problem.GetProperty("title").GetString());
        // What happened (the limit), when to retry (the same seconds as the header) and that a valid key still passes.
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("more than 2 unknown API keys within a minute", detail, StringComparison.Ordinal);
        Assert.Contains($"refused for {retryAfter:0} more seconds (Retry-After)", detail, StringComparison.Ordinal);
        Assert.Contains("valid key are not affected", detail, StringComparison.Ordinal);
        Assert.Equal(retryAfter, problem.GetProperty("retryAfterSeconds").GetInt32());
    }

    [Theory]
    [InlineData(" =1+1")]
    [InlineData("  +1")]
    [InlineData(" \r@SUM(A1)")]
    [InlineData(" \t-2+3")]
    [InlineData("\u00A0=1")]
    public void A_CSV_cell_that_is_a_formula_after_leading_blanks_is_neutralised(string value)
    {
        var cell = PreviewCsv.Cell(value);
        Assert.StartsWith("'", cell.TrimStart('"'), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" plain", " plain")]
    [InlineData("a=1", "a=1")]
    [InlineData("", "")]
    public void A_CSV_cell_without_a_formula_is_left_as_it_is(string value, string expected) =>
        Assert.Equal(expected, PreviewCsv.Cell(value));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertFieldRefusedAsync(HttpResponseMessage response, string field, string message)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), text);
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(message, StringComparison.Ordinal));
    }
}
