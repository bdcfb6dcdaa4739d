using System.Net.Http.Headers;
using System.Net.Http.Json;
using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Cli.Tests.Cli;

/// <summary>
/// <c>adsync resync</c> through the built CLI against a running config service; the reader's part is played with the
/// reader's key as the ad-reader does it (the real reader's resync runs in the integration tests).
/// </summary>
[Collection(ConfigStackCollection.Name)]
public sealed class ResyncCommandTests(ConfigStack stack)
{
    [Fact]
    public async Task Resync_waits_for_the_reader_and_reports_how_many_states_it_republished()
    {
        var (mapping, _) = await stack.AddMappingAsync($"CN=Resync-{Guid.NewGuid():N},DC=corp,DC=example,DC=org");
        using var reader = new HttpClient { BaseAddress = new Uri(stack.ConfigUrl) };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stack.ReaderKey);
        var readerCycle = Task.Run(async () =>
        {
            for (var i = 0; i < 600; i++)
            {
                var seen = await reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping}");
                if (seen!.ResyncRequestId is { } id)
                {
                    (await reader.PostAsJsonAsync($"/api/resync-requests/{id}/done", new ResyncCompletion(17))).EnsureSuccessStatusCode();
                    return;
                }

                await Task.Delay(100);
            }
        });

        var result = await stack.RunCliAsync("resync", mapping.ToString(), "--timeout", "120");
        await readerCycle;

        result.AssertExit(0);
        Assert.Matches(@"Resync [0-9a-f-]{36} done: 17 user states republished", result.Stdout);
        Assert.Contains("waiting for the reader", result.Stderr);
    }

    [Fact]
    public async Task Resync_without_a_reader_times_out_and_bad_or_unknown_mappings_are_refused()
    {
        var (mapping, _) = await stack.AddMappingAsync($"CN=Resync-{Guid.NewGuid():N},DC=corp,DC=example,DC=org");
        var timedOut = await stack.RunCliAsync("resync", mapping.ToString(), "--timeout", "2");
        timedOut.AssertExit(6);
        Assert.Contains("has not done resync", timedOut.Stderr);

        var queued = await stack.RunCliAsync("resync", mapping.ToString(), "--no-wait", "--json");
        queued.AssertExit(0);
        Assert.Equal("Pending", queued.Json().GetProperty("status").GetString());

        (await stack.RunCliAsync("resync", "nope")).AssertExit(1);
        var unknown = await stack.RunCliAsync("resync", Guid.NewGuid().ToString());
        unknown.AssertExit(3);
        Assert.Contains("No such mapping", unknown.Stderr);
    }
}
