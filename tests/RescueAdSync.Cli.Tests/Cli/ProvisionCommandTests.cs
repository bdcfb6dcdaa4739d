using System.Net.Http.Headers;
using System.Net.Http.Json;
using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Cli.Tests.Cli;

/// <summary>
/// <c>adsync provision</c> through the built CLI against a running config service; the reader's and the provisioner's parts
/// are played with their keys as the services do it (the real services run it in the integration tests).
/// </summary>
[Collection(ConfigStackCollection.Name)]
public sealed class ProvisionCommandTests(ConfigStack stack)
{
    [Fact]
    public async Task Provision_waits_for_the_result_prints_it_and_a_failure_exits_7()
    {
        var (mapping, _) = await stack.AddMappingAsync($"CN=Provision-{Guid.NewGuid():N},DC=corp,DC=example,DC=org");
        var services = Task.Run(async () =>
        {
            using var reader = Client(stack.ReaderKey);
            using var provisioner = Client(stack.ProvisionerKey);
            var handled = 0;
            for (var i = 0; i < 1200 && handled < 2; i++)
            {
                var seen = await reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping}");
                foreach (var request in seen!.ProvisionRequests ?? [])
                {
                    handled++;
                    if (request.User == "jdoe")
                    {
                        (await reader.PostAsJsonAsync($"/api/provision-requests/{request.Id}/published", new ProvisionPublished("uuid-1"))).EnsureSuccessStatusCode();
                        (await provisioner.PostAsJsonAsync($"/api/provision-requests/{request.Id}/result", new ProvisionOutcome("Created", 4242))).EnsureSuccessStatusCode();
                    }
                    else
                    {
                        (await reader.PostAsJsonAsync($"/api/provision-requests/{request.Id}/failed", new ProvisionFailure($"No user '{request.User}' in the directory."))).EnsureSuccessStatusCode();
                    }
                }

                await Task.Delay(100);
            }
        });

        var done = await stack.RunCliAsync("provision", "jdoe", "--mapping", mapping.ToString(), "--timeout", "120");
        done.AssertExit(0);
        Assert.Matches(@"Provisioned 'jdoe' \([0-9a-f-]{36}\): Created, technician node 4242\.", done.Stdout);

        var failed = await stack.RunCliAsync("provision", "ghost", "--mapping", mapping.ToString(), "--timeout", "120", "--json");
        await services;
        failed.AssertExit(7);
        Assert.Equal("Failed", failed.Json().GetProperty("status").GetString());
        Assert.Contains("No user 'ghost'", failed.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task Provision_without_services_times_out_and_bad_input_is_refused()
    {
        var (mapping, _) = await stack.AddMappingAsync($"CN=Provision-{Guid.NewGuid():N},DC=corp,DC=example,DC=org");
        var timedOut = await stack.RunCliAsync("provision", "jdoe", "--mapping", mapping.ToString(), "--timeout", "2");
        timedOut.AssertExit(6);
        Assert.Contains("has not picked up provision request", timedOut.Stderr);

        var queued = await stack.RunCliAsync("provision", "jdoe", "--mapping", mapping.ToString(), "--no-wait", "--json");
        queued.AssertExit(0);
        Assert.Equal("Pending", queued.Json().GetProperty("status").GetString());

        (await stack.RunCliAsync("provision", "jdoe", "--mapping", "nope")).AssertExit(1);
        (await stack.RunCliAsync("provision", " ", "--mapping", mapping.ToString())).AssertExit(1);
        (await stack.RunCliAsync("provision", "jdoe", "--mapping", mapping.ToString(), "--timeout", "0")).AssertExit(1);
        var unknown = await stack.RunCliAsync("provision", "jdoe", "--mapping", Guid.NewGuid().ToString());
        unknown.AssertExit(1);
        Assert.Contains("No such mapping", unknown.Stderr);
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(stack.ConfigUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
