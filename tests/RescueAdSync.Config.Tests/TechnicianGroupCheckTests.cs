using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>A mapping stored before the Rescue account existed is checked when the account is set.</summary>
public sealed class TechnicianGroupCheckTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>, IDisposable
{
    private readonly RescueEmulatorHost rescue = RescueEmulatorHost.Start();

    public void Dispose() => rescue.Dispose();

    [Fact]
    public async Task Mappings_stored_before_the_account_are_checked_when_it_is_set_and_each_wrong_one_is_named()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync("/api/rescue-account")).StatusCode);
        var group = await rescue.CreateTechnicianGroupAsync("Support");
        var right = await CreateMappingAsync(group);
        var onTheMah = await CreateMappingAsync(rescue.MahNodeId);
        var nowhere = await CreateMappingAsync(987654);

        var refused = await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(rescue.ApiBaseUrl));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problems = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("mappings")
            .EnumerateArray().Select(p => p.GetString()!).ToArray();
        Assert.Equal(2, problems.Length);
        Assert.Contains(problems, p => p.Contains(onTheMah.Id.ToString(), StringComparison.Ordinal)
            && p.Contains(onTheMah.SourceGroupDn, StringComparison.Ordinal) && p.Contains("not a Technician Group", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains(nowhere.Id.ToString(), StringComparison.Ordinal) && p.Contains("no node 987654", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains(right.Id.ToString(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync("/api/rescue-account")).StatusCode);

        // The operator fixes one and disables the other: the account is stored.
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync($"/api/mappings/{onTheMah.Id}",
            Samples.Mapping(onTheMah.SourceGroupDn, group) with { Enabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync($"/api/mappings/{nowhere.Id}",
            Samples.Mapping(nowhere.SourceGroupDn, 987654) with { Enabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(rescue.ApiBaseUrl))).StatusCode);

        // A disabled mapping is checked again when it is enabled.
        var enabled = await factory.Admin.PutAsJsonAsync($"/api/mappings/{nowhere.Id}", Samples.Mapping(nowhere.SourceGroupDn, 987654));
        Assert.Equal(HttpStatusCode.BadRequest, enabled.StatusCode);
        Assert.Contains("no node 987654", await enabled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await factory.Admin.GetFromJsonAsync<Mapping>($"/api/mappings/{nowhere.Id}"))!.Enabled);
    }

    private async Task<Mapping> CreateMappingAsync(long technicianGroupId)
    {
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings",
            Samples.Mapping($"CN=G-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com", technicianGroupId));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Mapping>())!;
    }
}
