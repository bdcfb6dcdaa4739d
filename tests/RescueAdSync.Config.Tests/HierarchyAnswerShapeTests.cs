using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// getHierarchy_v2 may answer with more than the node asked about (up to the whole organization) in no promised order,
/// or with one node on one line: a mapping's destination is judged by its own block in each case.
/// </summary>
public sealed class HierarchyAnswerShapeTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    [Theory]
    [InlineData("whole organization, Root first",
        "OK\r\nNodeID: 1\r\nParentID: 0\r\nName: Root\r\nType: Root\r\n\r\nNodeID: 5\r\nParentID: 1\r\nName: Technicians\r\nType: Technicians\r\n\r\n"
        + "NodeID: 1001\r\nParentID: 5\r\nName: Field Support\r\nType: TechnicianGroup\r\n\r\nNodeID: 2001\r\nParentID: 1001\r\nName: Ann\r\nType: Technician\r\n")]
    [InlineData("whole organization, no order",
        "OK\nNodeID: 2001\nParentID: 1001\nName: Ann\nType: Technician\n\nNodeID: 1001\nParentID: 5\nName: Field Support\nType: TechnicianGroup\n\nNodeID: 1\nParentID: 0\nName: Root\nType: Root\n")]
    [InlineData("one line", "OK NODEID: 1001 PARENTID: 5 NAME: Field Support TYPE: TechnicianGroup")]
    public async Task A_Technician_Group_is_accepted_however_Rescue_shapes_the_hierarchy(string shape, string hierarchy)
    {
        Assert.NotEmpty(shape);
        // The cases share one config service: no enabled mapping of an earlier case may stand in the account check.
        foreach (var mapping in (await factory.Admin.GetFromJsonAsync<Mapping[]>("/api/mappings"))!)
        {
            (await factory.Admin.DeleteAsync($"/api/mappings/{mapping.Id}")).EnsureSuccessStatusCode();
        }

        await using var stub = await StartRescueAsync(hierarchy);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account(stub.Urls.Single() + "/API/"))).StatusCode);

        var created = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping($"CN=G-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com", 1001));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var root = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping($"CN=G-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com", 1));
        var technician = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping($"CN=G-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com", 2001));
        var absent = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping($"CN=G-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com", 3003));
        var expectations = hierarchy.Contains("Root", StringComparison.Ordinal)
            ? new[] { (root, "is a Root, not a Technician Group"), (technician, "is a Technician, not a Technician Group"), (absent, "no node 3003") }
            : [(absent, "no node 3003")];
        foreach (var (response, problem) in expectations)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(problem, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

    }

    /// <summary>A Rescue API that answers getHierarchy_v2 with <paramref name="hierarchy"/> whatever node was asked about.</summary>
    private static async Task<WebApplication> StartRescueAsync(string hierarchy)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var rescue = builder.Build();
        rescue.MapPost("/API/getAccount.aspx", () => Results.Text("OK\r\nAccountID: 77\r\nOrganization: Stub Ltd\r\n"));
        rescue.MapPost("/API/getHierarchy_v2.aspx", () => Results.Text(hierarchy));
        await rescue.StartAsync();
        return rescue;
    }
}
