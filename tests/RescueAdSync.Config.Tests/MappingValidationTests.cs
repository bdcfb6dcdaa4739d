using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>Once the Rescue account is set, a mapping's destination is checked with Rescue: it must be a Technician Group.</summary>
public sealed class MappingValidationTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>, IDisposable
{
    private readonly RescueEmulatorHost rescue = RescueEmulatorHost.Start();

    public void Dispose() => rescue.Dispose();

    [Fact]
    public async Task Destination_must_exist_in_Rescue_and_be_a_Technician_Group()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(rescue.ApiBaseUrl))).StatusCode);
        var group = await rescue.CreateTechnicianGroupAsync("Support " + Guid.NewGuid().ToString("N"));

        var created = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping(Dn(), group));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mapping = (await created.Content.ReadFromJsonAsync<Mapping>())!;

        Assert.Contains("no node 987654", await RefusedAsync(await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping(Dn(), 987654))),
            StringComparison.Ordinal);
        Assert.Contains("not a Technician Group", await RefusedAsync(await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping(Dn(), rescue.MahNodeId))),
            StringComparison.Ordinal);

        // Changing the destination is checked too; the stored mapping stays as it was.
        var moved = await factory.Admin.PutAsJsonAsync($"/api/mappings/{mapping.Id}", Samples.Mapping(mapping.SourceGroupDn, rescue.MahNodeId));
        Assert.Contains("not a Technician Group", await RefusedAsync(moved), StringComparison.Ordinal);
        Assert.Equal(group, (await factory.Admin.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}"))!.TechnicianGroupId);

        // Other changes do not depend on Rescue: an admin can disable a mapping while Rescue is down.
        await rescue.SetTokenAsync("Rotated-Elsewhere-0001");
        var disabled = await factory.Admin.PutAsJsonAsync($"/api/mappings/{mapping.Id}", Samples.Mapping(mapping.SourceGroupDn, group) with { Enabled = false });
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
    }

    private static string Dn() => $"CN=G-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com";

    private static async Task<string> RefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return string.Join(" ", problem.GetProperty("errors").GetProperty("technicianGroupId").EnumerateArray().Select(e => e.GetString()));
    }
}
