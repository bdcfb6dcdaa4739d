using System.Net;
using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>The Technician Group names the admin page shows next to the node ids, asked of Rescue by the config service.</summary>
public sealed class TechnicianGroupNameTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>, IDisposable
{
    private readonly RescueEmulatorHost rescue = RescueEmulatorHost.Start();

    public void Dispose() => rescue.Dispose();

    [Fact]
    public async Task Name_comes_from_rescue_is_kept_while_rescue_is_down_and_an_unknown_one_is_a_reason_never_an_error()
    {
        var support = await rescue.CreateTechnicianGroupAsync("Support North");
        var never = await rescue.CreateTechnicianGroupAsync("Asked only once Rescue is down");

        var beforeAccount = await GetAsync(support);
        Assert.Null(beforeAccount.Name);
        Assert.Contains("No Rescue account", beforeAccount.Problem, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(rescue.ApiBaseUrl))).StatusCode);
        Assert.Equal(new TechnicianGroupName(support, "Support North", null), await GetAsync(support));
        var missing = await GetAsync(987654);
        Assert.Null(missing.Name);
        Assert.Contains("no node 987654", missing.Problem, StringComparison.Ordinal);

        rescue.Dispose();

        // Kept briefly: the page still shows the name; a group never asked about before has none, and says why.
        Assert.Equal(new TechnicianGroupName(support, "Support North", null), await GetAsync(support));
        var unreachable = await GetAsync(never);
        Assert.Null(unreachable.Name);
        Assert.Contains("could not be asked", unreachable.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.ServiceToken, unreachable.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_admins_ask_for_names()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Reader.GetAsync("/api/technician-groups/1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Provisioner.GetAsync("/api/technician-groups/1")).StatusCode);
    }

    private async Task<TechnicianGroupName> GetAsync(long id)
    {
        var response = await factory.Admin.GetAsync($"/api/technician-groups/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TechnicianGroupName>())!;
    }
}
