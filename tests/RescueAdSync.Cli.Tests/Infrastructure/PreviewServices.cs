using System.Net.Http.Headers;
using System.Net.Http.Json;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Previews;

namespace RescueAdSync.Cli.Tests.Infrastructure;

/// <summary>
/// Plays the reader's and the provisioner's parts of a preview with their keys, as the services do it (the real services
/// run it in the integration tests): reads every pending preview of <paramref name="mappingId"/> and answers with a fixed plan.
/// </summary>
public static class PreviewServices
{
    public static PreviewItem[] SamplePlan(Guid mappingId) =>
    [
        new(PreviewAction.Create, mappingId, "uuid-new", "uid=nina,ou=people,dc=example,dc=org", UserState.Enabled, null, null,
            new TechnicianFields("Nina New", "nina@example.org", true)),
        new(PreviewAction.Update, mappingId, "uuid-upd", "uid=uma,ou=people,dc=example,dc=org", UserState.Enabled, 4711,
            new TechnicianFields("Uma Old", "uma@example.org", true), new TechnicianFields("Uma New", "uma@example.org", true)),
        new(PreviewAction.Disable, mappingId, "uuid-gone", "uid=gus,ou=people,dc=example,dc=org", UserState.OutOfScope, 4712,
            new TechnicianFields("=Gus Gone", "gus@example.org", true), new TechnicianFields("=Gus Gone", "gus@example.org", false)),
    ];

    /// <summary>Answers previews of the mapping until <paramref name="count"/> were answered or the time is up; <paramref name="error"/> fails them instead.</summary>
    public static Task RunAsync(string configUrl, string readerKey, string provisionerKey, Guid mappingId, int count, string? error = null) => Task.Run(async () =>
    {
        using var reader = Client(configUrl, readerKey);
        using var provisioner = Client(configUrl, provisionerKey);
        var answered = 0;
        for (var i = 0; i < 1200 && answered < count; i++)
        {
            foreach (var pending in (await reader.GetFromJsonAsync<PendingPreview[]>("/api/previews/pending"))!.Where(p => p.MappingIds.Contains(mappingId)))
            {
                var read = await reader.PostAsJsonAsync($"/api/previews/{pending.Id}/mappings/{mappingId}", new PreviewMappingRead([], 7));
                read.EnsureSuccessStatusCode();
                var items = SamplePlan(mappingId);
                var plan = error is null ? new PreviewPlan(PreviewSummary.Of(items, 7), items) : new PreviewPlan(null, null, error);
                (await provisioner.PostAsJsonAsync($"/api/previews/{pending.Id}/plan", plan)).EnsureSuccessStatusCode();
                answered++;
            }
            await Task.Delay(100);
        }
    });

    private static HttpClient Client(string url, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
