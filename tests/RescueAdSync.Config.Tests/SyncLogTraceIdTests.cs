using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>The trace id a service sends with a sync-log entry: stored, returned, and refused when it is not one.</summary>
public class SyncLogTraceIdTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static NewSyncLogEntry Entry(Guid mapping, string? traceId) =>
        new(SyncLogLevel.Info, "provisioner", "createUser", "traced", mapping, TraceId: traceId);

    [Fact]
    public async Task A_trace_id_is_stored_and_returned_and_an_entry_without_one_has_none()
    {
        var mapping = Guid.NewGuid();
        var created = await factory.Provisioner.PostAsJsonAsync("/api/sync-log", Entry(mapping, TraceId));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(TraceId, (await created.Content.ReadFromJsonAsync<SyncLogEntry>())!.TraceId);
        Assert.Equal(HttpStatusCode.Created, (await factory.Provisioner.PostAsJsonAsync("/api/sync-log", Entry(mapping, null))).StatusCode);

        var read = (await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping}"))!;
        Assert.Equal(new string?[] { null, TraceId }, read.Select(e => e.TraceId));
    }

    [Theory]
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E4736")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e47360")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473g")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("")]
    public async Task Anything_but_32_lowercase_hex_digits_is_refused_naming_the_field(string traceId)
    {
        var mapping = Guid.NewGuid();
        var response = await factory.Provisioner.PostAsJsonAsync("/api/sync-log", Entry(mapping, traceId));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("traceId", out _), problem.RootElement.ToString());
        Assert.Empty((await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping}"))!);
    }
}
