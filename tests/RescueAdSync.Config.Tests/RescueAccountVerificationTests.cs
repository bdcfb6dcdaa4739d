using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>PUT /api/rescue-account asks Rescue (the emulator) whether the token works before anything is stored.</summary>
public class RescueAccountVerificationTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>, IDisposable
{
    private readonly RescueEmulatorHost rescue = RescueEmulatorHost.Start();

    public void Dispose() => rescue.Dispose();

    [Fact]
    public async Task A_token_that_Rescue_refuses_is_400_naming_the_token_and_nothing_is_stored()
    {
        var before = await factory.Admin.GetAsync("/api/rescue-account");

        var response = await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(rescue.ApiBaseUrl) with { ServiceToken = "Not-The-Token-0000" });

        var error = await AssertRefusedAsync(response, "serviceToken");
        Assert.Contains("INVALID_SECRETAUTHCODE", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Not-The-Token-0000", error, StringComparison.Ordinal);
        await AssertUnchangedAsync(before);
        Assert.Contains(await CallsAsync(), call => call.GetProperty("method").GetString() == "getAccount");
    }

    [Fact]
    public async Task An_unreachable_url_is_503_naming_the_url_so_the_account_can_be_submitted_again()
    {
        var before = await factory.Admin.GetAsync("/api/rescue-account");

        var response = await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account($"http://127.0.0.1:{ClosedPort()}/API/"));

        Assert.Contains("could not be reached", await AssertRefusedAsync(response, "apiBaseUrl", HttpStatusCode.ServiceUnavailable), StringComparison.Ordinal);
        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task A_mapping_whose_destination_cannot_be_checked_because_Rescue_is_down_is_503_and_not_stored()
    {
        using (var soonDown = RescueEmulatorHost.Start())
        {
            var stored = await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(soonDown.ApiBaseUrl));
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        var groupDn = $"CN=G-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com";
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping(groupDn, 4242));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Rescue could not be reached", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("could not be asked about node 4242", problem.GetProperty("errors").GetProperty("technicianGroupId")[0].GetString(), StringComparison.Ordinal);
        var mappings = await factory.Admin.GetFromJsonAsync<Mapping[]>("/api/mappings");
        Assert.DoesNotContain(mappings!, m => m.SourceGroupDn == groupDn);
    }

    [Fact]
    public async Task A_url_that_is_not_the_Rescue_api_is_400_naming_the_url()
    {
        var before = await factory.Admin.GetAsync("/api/rescue-account");

        // The emulator's host without /API/: an HTTP server that answers 404.
        var notFound = await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(rescue.Url + "/"));
        Assert.Contains("did not answer like the Rescue API", await AssertRefusedAsync(notFound, "apiBaseUrl"), StringComparison.Ordinal);

        // A web page with 200: a proxy's or a portal's login page is no Rescue answer either.
        await using var portal = await StartPortalAsync();
        var page = await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(portal.Urls.Single() + "/API/"));
        Assert.Contains("did not answer like the Rescue API", await AssertRefusedAsync(page, "apiBaseUrl"), StringComparison.Ordinal);
        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task A_valid_token_is_stored_and_an_update_without_a_token_is_checked_with_the_stored_one()
    {
        var stored = await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(rescue.ApiBaseUrl));
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);

        // The MAH revoked the token in the Admin Center; an update that keeps it is refused.
        (await rescue.Admin.DeleteAsync("/admin/token")).EnsureSuccessStatusCode();
        var before = await factory.Admin.GetAsync("/api/rescue-account");
        var keepToken = await factory.Admin.PutAsJsonAsync("/api/rescue-account",
            Samples.Account(rescue.ApiBaseUrl) with { MahPassword = "", ServiceToken = "", DefaultPassword = "" });
        Assert.Contains("INVALID_SECRETAUTHCODE", await AssertRefusedAsync(keepToken, "serviceToken"), StringComparison.Ordinal);
        await AssertUnchangedAsync(before);

        // A newly generated token is accepted.
        await rescue.SetTokenAsync("Regenerated-Token-4242");
        var renewed = await factory.Admin.PutAsJsonAsync("/api/rescue-account",
            Samples.Account(rescue.ApiBaseUrl) with { ServiceToken = "Regenerated-Token-4242" });
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        var credentials = await factory.Provisioner.GetFromJsonAsync<RescueCredentials>("/api/rescue-account/credentials");
        Assert.Equal("Regenerated-Token-4242", credentials!.ServiceToken);
    }

    private static async Task<string> AssertRefusedAsync(HttpResponseMessage response, string field, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("could not be verified", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        var messages = problem.GetProperty("errors").GetProperty(field);
        var text = string.Join(" ", messages.EnumerateArray().Select(m => m.GetString()));
        foreach (var secret in Samples.Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        return text;
    }

    private async Task AssertUnchangedAsync(HttpResponseMessage before)
    {
        var after = await factory.Admin.GetAsync("/api/rescue-account");
        Assert.Equal(before.StatusCode, after.StatusCode);
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
    }

    private async Task<JsonElement[]> CallsAsync() =>
        (await rescue.Admin.GetFromJsonAsync<JsonElement>("/admin/calls")).EnumerateArray().ToArray();

    private static async Task<WebApplication> StartPortalAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var portal = builder.Build();
        portal.MapPost("/API/getAccount.aspx", () => Results.Content("<html><body>Please sign in</body></html>", "text/html"));
        await portal.StartAsync();
        return portal;
    }

    /// <summary>A port nothing listens on: bound and released, so the connection is refused at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
