using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

public class MappingsApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    [Fact]
    public async Task Mapping_is_created_read_updated_and_deleted()
    {
        var created = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping("CN=Crud,OU=Groups,DC=example,DC=com"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mapping = await created.Content.ReadFromJsonAsync<Mapping>();
        Assert.NotNull(mapping);
        Assert.Equal($"/api/mappings/{mapping.Id}", created.Headers.Location?.OriginalString);
        Assert.Equal(42, mapping.TechnicianGroupId);
        Assert.True(mapping.MobileAddon && mapping.Enabled);

        var read = await factory.Provisioner.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}");
        Assert.Equal(mapping, read);
        Assert.Contains(await factory.Reader.GetFromJsonAsync<Mapping[]>("/api/mappings") ?? [], m => m.Id == mapping.Id);

        var updated = await factory.Admin.PutAsJsonAsync($"/api/mappings/{mapping.Id}",
            new MappingSettings("CN=Crud,OU=Groups,DC=example,DC=com", 77, MobileAddon: false, Enabled: false));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var changed = await factory.Admin.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}");
        Assert.Equal(77, changed!.TechnicianGroupId);
        Assert.False(changed.Enabled);

        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin.DeleteAsync($"/api/mappings/{mapping.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync($"/api/mappings/{mapping.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.DeleteAsync($"/api/mappings/{mapping.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.PutAsJsonAsync($"/api/mappings/{mapping.Id}", Samples.Mapping())).StatusCode);
    }

    [Fact]
    public async Task Invalid_mapping_is_refused_with_field_errors_and_not_stored()
    {
        var before = await factory.Admin.GetFromJsonAsync<Mapping[]>("/api/mappings");
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings", new MappingSettings("", 0));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("sourceGroupDn", out _));
        Assert.True(errors.TryGetProperty("technicianGroupId", out _));
        var notADn = await factory.Admin.PostAsJsonAsync("/api/mappings", new MappingSettings("Support Team", -5));
        Assert.Equal(HttpStatusCode.BadRequest, notADn.StatusCode);
        Assert.Equal(before!.Length, (await factory.Admin.GetFromJsonAsync<Mapping[]>("/api/mappings"))!.Length);
    }

    [Theory]
    [InlineData("CN=Techs\0)(uid=*,OU=Groups,DC=example,DC=com", "U+0000")]
    [InlineData("CN=Techs\r\nX,OU=Groups,DC=example,DC=com", "U+000D")]
    [InlineData("CN=Techs\u007f,OU=Groups,DC=example,DC=com", "U+007F")]
    public async Task A_group_DN_with_a_control_character_is_refused_naming_the_field_and_the_character(string dn, string named)
    {
        var before = await factory.Admin.GetFromJsonAsync<Mapping[]>("/api/mappings");
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping(dn));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains(named, errors.GetProperty("sourceGroupDn")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before!.Length, (await factory.Admin.GetFromJsonAsync<Mapping[]>("/api/mappings"))!.Length);
    }

    [Fact]
    public async Task A_group_can_be_mapped_only_once_whatever_the_case_of_its_DN()
    {
        var first = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping("CN=Once,OU=Groups,DC=example,DC=com"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var second = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping("cn=once,ou=groups,dc=example,dc=com", 43));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Update_with_a_stale_ETag_is_refused_with_412()
    {
        var created = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping("CN=Etag,OU=Groups,DC=example,DC=com"));
        var mapping = (await created.Content.ReadFromJsonAsync<Mapping>())!;
        var etag = created.Headers.ETag!;
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin.PutAsJsonAsync($"/api/mappings/{mapping.Id}", Samples.Mapping("CN=Etag,OU=Groups,DC=example,DC=com", 50))).StatusCode);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/mappings/{mapping.Id}")
        {
            Content = JsonContent.Create(Samples.Mapping("CN=Etag,OU=Groups,DC=example,DC=com", 60)),
        };
        stale.Headers.IfMatch.Add(etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await factory.Admin.SendAsync(stale)).StatusCode);
        Assert.Equal(50, (await factory.Admin.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}"))!.TechnicianGroupId);

        var current = await factory.Admin.GetAsync($"/api/mappings/{mapping.Id}");
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/mappings/{mapping.Id}");
        delete.Headers.IfMatch.Add(current.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin.SendAsync(delete)).StatusCode);
    }

    [Fact]
    public async Task Mapping_list_answers_304_while_nothing_changed()
    {
        var list = await factory.Reader.GetAsync("/api/mappings");
        var poll = new HttpRequestMessage(HttpMethod.Get, "/api/mappings");
        poll.Headers.IfNoneMatch.Add(list.Headers.ETag!);
        var response = await factory.Reader.SendAsync(poll);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);

        await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping("CN=Poll,OU=Groups,DC=example,DC=com"));
        var again = new HttpRequestMessage(HttpMethod.Get, "/api/mappings");
        again.Headers.IfNoneMatch.Add(list.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await factory.Reader.SendAsync(again)).StatusCode);
    }
}
