using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>Per-mapping rules: directory, nested flag, attribute mapping, priority.</summary>
public class MappingRulesTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private static string Group(string name) => $"CN={name},OU=Rules,DC=example,DC=com";

    private async Task<Mapping> CreateAsync(MappingSettings settings)
    {
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings", settings);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Mapping>())!;
    }

    private async Task<JsonElement> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    [Fact]
    public async Task Rules_are_stored_and_returned_to_every_service()
    {
        var mapping = await CreateAsync(Samples.Mapping(Group("Rules")) with
        {
            Nested = true,
            NameAttribute = "cn",
            EmailAttribute = "userPrincipalName",
            Priority = 500_000,
        });
        Assert.Equal(("default", true, "cn", "userPrincipalName", 500_000),
            (mapping.Directory, mapping.Nested, mapping.NameAttribute, mapping.EmailAttribute, mapping.Priority));
        var read = await factory.Reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}");
        Assert.Equal(mapping, read);

        // An update that leaves the priority out keeps it; the attribute mapping can go back to the defaults.
        var updated = await factory.Admin.PutAsJsonAsync($"/api/mappings/{mapping.Id}", Samples.Mapping(Group("Rules")) with { Nested = false });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var changed = (await updated.Content.ReadFromJsonAsync<Mapping>())!;
        Assert.Equal((false, (string?)null, (string?)null, 500_000), (changed.Nested, changed.NameAttribute, changed.EmailAttribute, changed.Priority));
    }

    [Fact]
    public async Task Priorities_are_assigned_in_steps_of_ten_are_unique_and_order_the_list()
    {
        var first = await CreateAsync(Samples.Mapping(Group("PrioA")));
        var second = await CreateAsync(Samples.Mapping(Group("PrioB")));
        Assert.Equal(first.Priority + 10, second.Priority);

        var taken = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping(Group("PrioC")) with { Priority = first.Priority });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains(first.Id.ToString(), await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var moved = await factory.Admin.PutAsJsonAsync($"/api/mappings/{second.Id}", Samples.Mapping(Group("PrioB")) with { Priority = first.Priority });
        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);

        // Put between the two: the list comes in priority order, the order the reader applies.
        var between = await CreateAsync(Samples.Mapping(Group("PrioD")) with { Priority = first.Priority + 5 });
        var list = (await factory.Reader.GetFromJsonAsync<Mapping[]>("/api/mappings"))!;
        Assert.Equal(list.OrderBy(m => m.Priority).Select(m => m.Id), list.Select(m => m.Id));
        var ids = list.Select(m => m.Id).ToList();
        Assert.True(ids.IndexOf(first.Id) < ids.IndexOf(between.Id) && ids.IndexOf(between.Id) < ids.IndexOf(second.Id));
    }

    [Fact]
    public async Task The_same_group_DN_may_be_mapped_once_per_directory()
    {
        var lab = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, ["ldap://ldap.lab.example.org"], "cn=sync,dc=example,dc=com",
            Samples.BindPassword, "DC=example,DC=com");
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync("/api/directories/second", lab)).StatusCode);
        await CreateAsync(Samples.Mapping(Group("Twice")));
        var other = await CreateAsync(Samples.Mapping(Group("Twice")) with { Directory = "Second" });
        Assert.Equal("second", other.Directory);
        var again = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping(Group("twice")) with { Directory = "second" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Invalid_rules_are_refused_with_field_errors_and_nothing_is_stored()
    {
        var before = (await factory.Admin.GetFromJsonAsync<Mapping[]>("/api/mappings"))!.Length;

        var errors = await ErrorsAsync(await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping(Group("Bad")) with
        {
            NameAttribute = "display name",
            EmailAttribute = "(mail=*)",
            Priority = -1,
            Directory = "Not_A_Name",
        }));
        foreach (var field in new[] { "nameAttribute", "emailAttribute", "priority", "directory" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        var both = await ErrorsAsync(await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping(Group("Both")) with { SourceGroupName = "Both" }));
        Assert.True(both.TryGetProperty("sourceGroupName", out _));
        var neither = await ErrorsAsync(await factory.Admin.PostAsJsonAsync("/api/mappings", new MappingSettings(null, 42)));
        Assert.True(neither.TryGetProperty("sourceGroupDn", out _));

        var unknown = await ErrorsAsync(await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping(Group("Unknown")) with { Directory = "nowhere" }));
        Assert.Contains("nowhere", unknown.GetProperty("directory")[0].GetString(), StringComparison.Ordinal);

        Assert.Equal(before, (await factory.Admin.GetFromJsonAsync<Mapping[]>("/api/mappings"))!.Length);
    }

    [Fact]
    public async Task A_group_name_needs_a_configured_directory_to_be_resolved_against()
    {
        var errors = await ErrorsAsync(await factory.Admin.PostAsJsonAsync("/api/mappings",
            new MappingSettings(null, 42, SourceGroupName: "Support", Directory: "absent")));
        Assert.True(errors.TryGetProperty("directory", out _));
    }
}
