using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using RescueAdSync.RescueEmulator.Apis.Models;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Tests;

/// <summary>The emulator's own admin API: set-up, read-back, call log and fault injection.</summary>
public sealed class AdminApiTests(EmulatorFactory factory) : IClassFixture<EmulatorFactory>
{
    [Fact]
    public async Task State_shows_the_organization_groups_licences_and_token_without_revealing_it()
    {
        var org = await factory.CreateOrganizationAsync(mobileLicences: 3);

        var state = await factory.StateAsync();

        Assert.Equal("Contoso", state.Organization!.Name);
        Assert.Equal(TestOrganization.MahEmail, state.Organization.MahEmail);
        Assert.Equal(3, state.MobileLicences);
        Assert.Equal(0, state.MobileLicencesUsed);
        Assert.True(state.HasServiceToken);
        Assert.True(state.HasDefaultPassword);
        Assert.Equal(["Helpdesk", "Second line"], state.Groups.Select(g => g.Name));
        Assert.All(state.Groups, g => Assert.Equal(org.Organization.TechniciansNodeId, g.ParentId));
        Assert.DoesNotContain(org.Token, await factory.CreateClient().GetStringAsync("/admin/state"));
    }

    [Fact]
    public async Task A_technician_made_by_hand_is_visible_through_the_rescue_api_and_can_be_moved_by_an_admin()
    {
        var org = await factory.CreateOrganizationAsync();
        var http = factory.CreateClient();

        var made = await EmulatorFactory.SendAsync<TechnicianView>(http.PostAsJsonAsync("/admin/technicians",
            new TechnicianSpec(org.HelpdeskGroupId, "Hand Made", "hand@contoso.test", MobileAddon: true, Password: "Hand-made1")));
        var moved = await EmulatorFactory.SendAsync<TechnicianView>(http.PostAsJsonAsync($"/admin/technicians/{made.NodeId}/move",
            new MoveTechnicianRequest(org.SecondLineGroupId)));

        Assert.Equal("admin", made.Origin);
        Assert.False(made.MustChangePassword);
        Assert.True(made.MobileAddon);
        Assert.Equal(org.SecondLineGroupId, moved.ParentId);
        var (_, body) = await factory.CallAsync("getUser_v3", ("authcode", org.Token), ("email", "hand@contoso.test"));
        Assert.Contains($"NODEID: {made.NodeId}", body);
        Assert.Contains("HASMOBILEADDON: True", body);
    }

    [Fact]
    public async Task Technician_made_by_hand_with_a_taken_email_or_no_free_licence_is_refused()
    {
        var org = await factory.CreateOrganizationAsync(mobileLicences: 0);
        var http = factory.CreateClient();

        var taken = await http.PostAsJsonAsync("/admin/technicians", new TechnicianSpec(org.HelpdeskGroupId, "X", TestOrganization.MahEmail));
        var noLicence = await http.PostAsJsonAsync("/admin/technicians", new TechnicianSpec(org.HelpdeskGroupId, "Y", "y@contoso.test", MobileAddon: true));

        Assert.Equal("INVALIDPARAM_EMAIL_ALREADY_IN_USE", (await taken.Content.ReadFromJsonAsync<AdminError>())!.Code);
        Assert.Equal("INVALIDPARAM_MOBILEADDON", (await noLicence.Content.ReadFromJsonAsync<AdminError>())!.Code);
    }

    [Fact]
    public async Task Call_log_records_method_parameters_and_result_with_secrets_masked()
    {
        var org = await factory.CreateOrganizationAsync();
        await factory.CallAsync("getUser_v3", ("authcode", org.Token), ("email", "nobody@contoso.test"));
        await factory.CallAsync("setUser_v2", ("authcode", org.Token), ("node", "1"), ("pwd", "Secret-123"), ("confpwd", "Secret-123"));

        var calls = (await factory.CreateClient().GetFromJsonAsync<List<ApiCall>>("/admin/calls"))!;
        var raw = await factory.CreateClient().GetStringAsync("/admin/calls");

        Assert.Equal(["getUser_v3", "setUser_v2"], calls.Select(c => c.Method));
        Assert.Equal("INVALIDPARAM_EMAIL", calls[0].Result);
        Assert.Equal("nobody@contoso.test", calls[0].Parameters["email"]);
        Assert.Equal("***", calls[0].Parameters["authcode"]);
        Assert.Equal("***", calls[1].Parameters["pwd"]);
        Assert.DoesNotContain(org.Token, raw);
        Assert.DoesNotContain("Secret-123", raw);
        Assert.Single((await factory.CreateClient().GetFromJsonAsync<List<ApiCall>>($"/admin/calls?method=SETUSER_V2"))!);
        Assert.Single((await factory.CreateClient().GetFromJsonAsync<List<ApiCall>>($"/admin/calls?after={calls[0].Sequence}"))!);
    }

    [Fact]
    public async Task Http_fault_answers_the_next_n_calls_with_the_status_and_retry_after()
    {
        var org = await factory.CreateOrganizationAsync();
        (await factory.CreateClient().PostAsJsonAsync("/admin/faults/http", new HttpFaultRequest(429, RetryAfterSeconds: 5, Count: 2))).EnsureSuccessStatusCode();
        var http = factory.CreateClient();
        var form = () => new FormUrlEncodedContent([new("authcode", org.Token)]);

        var first = await http.PostAsync("/API/getAccount.aspx", form());
        var second = await http.PostAsync("/API/getAccount.aspx", form());
        var third = await http.PostAsync("/API/getAccount.aspx", form());

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), first.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        var calls = await http.GetFromJsonAsync<List<ApiCall>>("/admin/calls");
        Assert.Equal(["HTTP_429", "HTTP_429", "OK"], calls!.Select(c => c.Result));
    }

    [Fact]
    public async Task Http_fault_window_ends_when_its_time_is_up()
    {
        var org = await factory.CreateOrganizationAsync();
        (await factory.CreateClient().PostAsJsonAsync("/admin/faults/http", new HttpFaultRequest(503, RetryAfterSeconds: 2, DurationSeconds: 60))).EnsureSuccessStatusCode();

        Assert.Equal(503, (await factory.CallAsync("getAccount", ("authcode", org.Token))).Status);
        Assert.Equal(503, (await factory.CallAsync("getAccount", ("authcode", org.Token))).Status);
        factory.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(200, (await factory.CallAsync("getAccount", ("authcode", org.Token))).Status);
    }

    [Fact]
    public async Task Connection_reset_fault_aborts_the_next_calls()
    {
        var org = await factory.CreateOrganizationAsync();
        (await factory.CreateClient().PostAsJsonAsync("/admin/faults/resets", new ResetFaultRequest(1))).EnsureSuccessStatusCode();

        await Assert.ThrowsAnyAsync<Exception>(() => factory.CallAsync("getAccount", ("authcode", org.Token)));
        Assert.Equal(200, (await factory.CallAsync("getAccount", ("authcode", org.Token))).Status);
        var calls = await factory.CreateClient().GetFromJsonAsync<List<ApiCall>>("/admin/calls");
        Assert.Equal(["CONNECTION_RESET", "OK"], calls!.Select(c => c.Result));
    }

    [Fact]
    public async Task Latency_fault_delays_api_calls_and_clearing_faults_removes_it()
    {
        var org = await factory.CreateOrganizationAsync();
        var http = factory.CreateClient();
        (await http.PutAsJsonAsync("/admin/faults/latency", new LatencyRequest(300))).EnsureSuccessStatusCode();

        var watch = Stopwatch.StartNew();
        await factory.CallAsync("getAccount", ("authcode", org.Token));
        Assert.True(watch.ElapsedMilliseconds >= 280, $"took {watch.ElapsedMilliseconds} ms");

        (await http.DeleteAsync("/admin/faults")).EnsureSuccessStatusCode();
        Assert.Equal(0, (await http.GetFromJsonAsync<FaultsView>("/admin/faults"))!.LatencyMilliseconds);
    }

    [Fact]
    public async Task Token_revoked_fault_makes_the_token_invalid_until_a_new_one_is_generated()
    {
        var org = await factory.CreateOrganizationAsync();
        var http = factory.CreateClient();

        (await http.PostAsync("/admin/faults/revoke-token", null)).EnsureSuccessStatusCode();
        Assert.Equal("INVALID_SECRETAUTHCODE\r\n", (await factory.CallAsync("getAccount", ("authcode", org.Token))).Body);

        var fresh = await EmulatorFactory.SendAsync<TokenResponse>(http.PostAsJsonAsync("/admin/token", new GenerateTokenRequest("demo-token-1")));
        Assert.Equal("demo-token-1", fresh.Token);
        Assert.StartsWith("OK", (await factory.CallAsync("getAccount", ("authcode", "demo-token-1"))).Body);
    }

    [Fact]
    public async Task The_example_seed_file_for_the_demo_loads()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "RescueAdSync.slnx")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root!.FullName, "services", "rescue-emulator", "seed.example.json");

        using var seeded = factory.WithWebHostBuilder(b => b.UseSetting("Emulator:SeedFile", path));
        var state = (await seeded.CreateClient().GetFromJsonAsync<EmulatorSnapshot>("/admin/state"))!;

        Assert.NotNull(state.Organization);
        Assert.True(state.HasServiceToken);
        Assert.NotEmpty(state.Groups);
    }

    [Fact]
    public async Task Seed_file_prepares_an_organization_at_start()
    {
        var path = Path.Combine(Path.GetTempPath(), $"emulator-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            {
              "organization": { "name": "Demo Org", "email": "mah@demo.test", "password": "Demo-Passw0rd", "mobileLicences": 2 },
              "defaultPassword": "Welcome-2025",
              "serviceToken": "demo-service-token",
              "groups": [
                { "name": "Helpdesk", "technicians": [ { "name": "Existing Tech", "email": "existing@demo.test" } ] },
                { "name": "Field" }
              ]
            }
            """);
        try
        {
            using var seeded = factory.WithWebHostBuilder(b => b.UseSetting("Emulator:SeedFile", path));
            var state = (await seeded.CreateClient().GetFromJsonAsync<EmulatorSnapshot>("/admin/state"))!;
            var account = await (await seeded.CreateClient().PostAsync("/API/getAccount.aspx",
                new FormUrlEncodedContent([new("authcode", "demo-service-token")]))).Content.ReadAsStringAsync();

            Assert.Equal("Demo Org", state.Organization!.Name);
            Assert.Equal(2, state.MobileLicences);
            Assert.Equal(["Helpdesk", "Field"], state.Groups.Select(g => g.Name));
            Assert.Equal("existing@demo.test", Assert.Single(state.Technicians).Email);
            Assert.StartsWith("OK", account);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
