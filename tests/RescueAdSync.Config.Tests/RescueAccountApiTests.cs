using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

public class RescueAccountApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>, IDisposable
{
    // Its own emulator: this class replaces the token, which would break every other class sharing one.
    private readonly RescueEmulatorHost rescue = RescueEmulatorHost.Start();

    public void Dispose() => rescue.Dispose();

    [Fact]
    public async Task Account_is_404_before_it_is_set_then_shown_masked_and_served_in_full_to_the_provisioner_only()
    {
        // One test because the account is a singleton in this class's database: order matters.
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync("/api/rescue-account")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Provisioner.GetAsync("/api/rescue-account/credentials")).StatusCode);

        var put = await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(rescue.ApiBaseUrl));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var putBody = await put.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Samples.MahPassword, putBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.ServiceToken, putBody, StringComparison.Ordinal);

        var view = await factory.Admin.GetFromJsonAsync<RescueAccountView>("/api/rescue-account");
        Assert.NotNull(view);
        Assert.Equal("mah@example.com", view.MahEmail);
        Assert.True(view.MahPasswordSet && view.ServiceTokenSet && view.DefaultPasswordSet);

        var credentials = await factory.Provisioner.GetFromJsonAsync<RescueCredentials>("/api/rescue-account/credentials");
        Assert.NotNull(credentials);
        Assert.Equal(Samples.ServiceToken, credentials.ServiceToken);
        Assert.Equal(Samples.DefaultPassword, credentials.DefaultPassword);
        Assert.Equal(rescue.ApiBaseUrl, credentials.ApiBaseUrl);

        // Empty secrets on update keep the stored ones: a form cannot send back what it was never shown.
        await rescue.SetTokenAsync("NewToken-112233");
        var update = await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(rescue.ApiBaseUrl) with
        {
            MahEmail = "new-mah@example.com",
            MahPassword = "",
            ServiceToken = "NewToken-112233",
            DefaultPassword = "",
        });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        credentials = await factory.Provisioner.GetFromJsonAsync<RescueCredentials>("/api/rescue-account/credentials");
        Assert.Equal("NewToken-112233", credentials!.ServiceToken);
        Assert.Equal(Samples.DefaultPassword, credentials.DefaultPassword);
        Assert.True(credentials.UpdatedAt > view.UpdatedAt);

        // Conditional update: a stale ETag is refused with 412 and changes nothing.
        var current = await factory.Admin.GetAsync("/api/rescue-account");
        var etag = current.Headers.ETag!;
        await rescue.SetTokenAsync(Samples.ServiceToken);
        var stale = new HttpRequestMessage(HttpMethod.Put, "/api/rescue-account") { Content = JsonContent.Create(Samples.Account(rescue.ApiBaseUrl)) };
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"0\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await factory.Admin.SendAsync(stale)).StatusCode);
        var fresh = new HttpRequestMessage(HttpMethod.Put, "/api/rescue-account") { Content = JsonContent.Create(Samples.Account(rescue.ApiBaseUrl)) };
        fresh.Headers.IfMatch.Add(etag);
        var freshResponse = await factory.Admin.SendAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, freshResponse.StatusCode);
        Assert.NotEqual(etag, freshResponse.Headers.ETag);

        // Polling with If-None-Match costs a 304 while nothing changed.
        var poll = new HttpRequestMessage(HttpMethod.Get, "/api/rescue-account/credentials");
        poll.Headers.IfNoneMatch.Add(freshResponse.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await factory.Provisioner.SendAsync(poll)).StatusCode);
    }

    [Fact]
    public async Task Invalid_account_is_refused_with_field_errors_and_nothing_is_stored()
    {
        var before = await factory.Admin.GetAsync("/api/rescue-account");
        var response = await factory.Admin.PutAsJsonAsync("/api/rescue-account",
            new RescueAccountSettings("not a url", "not-an-email", "", "", ""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("apiBaseUrl", out _));
        Assert.True(errors.TryGetProperty("mahEmail", out _));
        var after = await factory.Admin.GetAsync("/api/rescue-account");
        Assert.Equal(before.StatusCode, after.StatusCode);
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
    }
}
