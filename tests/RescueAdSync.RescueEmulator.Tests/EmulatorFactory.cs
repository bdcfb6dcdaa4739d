using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RescueAdSync.RescueEmulator.Apis.Models;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Tests;

/// <summary>The emulator in memory with a hand-moved clock, plus helpers that speak its two APIs.</summary>
public sealed class EmulatorFactory : WebApplicationFactory<Program>
{
    public ManualTimeProvider Time { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));

    /// <summary>A fresh organization with two Technician Groups, a default password and a service token.</summary>
    public async Task<TestOrganization> CreateOrganizationAsync(int mobileLicences = 1)
    {
        var http = CreateClient();
        (await http.PostAsync("/admin/reset", null)).EnsureSuccessStatusCode();
        var organization = await SendAsync<OrganizationView>(http.PostAsJsonAsync("/admin/organization",
            new CreateOrganizationRequest("Contoso", TestOrganization.MahEmail, TestOrganization.MahPassword, "Mia Holder", mobileLicences)));
        var helpdesk = await SendAsync<GroupView>(http.PostAsJsonAsync("/admin/groups", new CreateGroupRequest("Helpdesk")));
        var secondLine = await SendAsync<GroupView>(http.PostAsJsonAsync("/admin/groups", new CreateGroupRequest("Second line")));
        (await http.PutAsJsonAsync("/admin/default-password", new DefaultPasswordRequest(TestOrganization.DefaultPassword))).EnsureSuccessStatusCode();
        var token = await SendAsync<TokenResponse>(http.PostAsJsonAsync("/admin/token", new GenerateTokenRequest()));
        return new TestOrganization(organization, token.Token, helpdesk.NodeId, secondLine.NodeId);
    }

    /// <summary>A form POST to /API/&lt;method&gt;.aspx; returns the status and the body as text.</summary>
    public async Task<(int Status, string Body)> CallAsync(string method, params (string Key, string Value)[] form)
    {
        var response = await CreateClient().PostAsync($"/API/{method}.aspx",
            new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<EmulatorSnapshot> StateAsync() =>
        (await CreateClient().GetFromJsonAsync<EmulatorSnapshot>("/admin/state"))!;

    public async Task<TechnicianView> TechnicianAsync(long nodeId) =>
        (await StateAsync()).Technicians.Single(t => t.NodeId == nodeId);

    public static async Task<T> SendAsync<T>(Task<HttpResponseMessage> request)
    {
        var response = await request;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }
}
