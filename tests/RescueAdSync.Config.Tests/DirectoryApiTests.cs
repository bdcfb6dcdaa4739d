using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

public class DirectoryApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    [Fact]
    public async Task Directory_is_shown_without_bind_password_and_served_with_it_to_the_reader()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Reader.GetAsync("/api/directory")).StatusCode);

        var put = await factory.Admin.PutAsJsonAsync("/api/directory", Samples.Directory());
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.DoesNotContain(Samples.BindPassword, await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var json = await factory.Admin.GetStringAsync("/api/directory");
        Assert.Contains("\"kind\":\"ActiveDirectory\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.BindPassword, json, StringComparison.Ordinal);
        var view = await factory.Reader.GetFromJsonAsync<DirectoryConnectionView>("/api/directory");
        Assert.True(view!.BindPasswordSet);
        Assert.Equal(["ldaps://dc1.example.com:636", "ldaps://dc2.example.com"], view.ServerUrls);

        var settings = await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directory/credentials");
        Assert.Equal(Samples.BindPassword, settings!.BindPassword);
        Assert.Equal("DC=example,DC=com", settings.BaseDn);
        Assert.Equal(5, settings.PollIntervalSeconds);

        var changed = await factory.Admin.PutAsJsonAsync("/api/directory", Samples.Directory() with { Kind = DirectoryKind.OpenLdap, BindPassword = "" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        settings = await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directory/credentials");
        Assert.Equal(DirectoryKind.OpenLdap, settings!.Kind);
        Assert.Equal(Samples.BindPassword, settings.BindPassword);
    }

    [Fact]
    public async Task Invalid_directory_is_refused_with_field_errors()
    {
        var response = await factory.Admin.PutAsJsonAsync("/api/directory",
            new DirectoryConnectionSettings(DirectoryKind.OpenLdap, ["http://dc.example.com"], "", "pw", "", 0));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "serverUrls[0]", "bindDn", "baseDn", "pollIntervalSeconds" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }
    }
}
