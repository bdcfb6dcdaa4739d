using RescueAdSync.Cli.Tests.Infrastructure;

namespace RescueAdSync.Cli.Tests.Cli;

/// <summary>
/// <c>adsync preview</c> through the built CLI against a running config service; the reader's and the provisioner's parts
/// are played with their keys (<see cref="PreviewServices"/>; the real services run it in the integration tests).
/// </summary>
[Collection(ConfigStackCollection.Name)]
public sealed class PreviewCommandTests(ConfigStack stack)
{
    [Fact]
    public async Task Preview_waits_prints_the_plan_as_a_table_json_or_csv_and_a_failed_preview_exits_7()
    {
        var (mapping, _) = await stack.AddMappingAsync($"CN=Preview-{Guid.NewGuid():N},DC=corp,DC=example,DC=org");
        var services = PreviewServices.RunAsync(stack.ConfigUrl, stack.ReaderKey, stack.ProvisionerKey, mapping, count: 3);

        var table = await stack.RunCliAsync("preview", mapping.ToString(), "--timeout", "120");
        table.AssertExit(0);
        Assert.Contains("create 1, link 0, update 1, enable 0, disable 1, skip 0, no change 7", table.Stdout);
        Assert.Contains("nothing was changed", table.Stdout);
        Assert.Matches(@"Update\s+uid=uma,ou=people,dc=example,dc=org\s+4711\s+Uma Old -> Uma New\s+uma@example.org\s+Enabled", table.Stdout);
        Assert.Matches(@"Create\s+uid=nina,ou=people,dc=example,dc=org\s+\(new\)\s+Nina New", table.Stdout);
        Assert.Contains("Enabled -> Disabled", table.Stdout);

        var json = await stack.RunCliAsync("preview", mapping.ToString(), "--json", "--timeout", "120");
        json.AssertExit(0);
        Assert.Equal("Ready", json.Json().GetProperty("status").GetString());
        Assert.Equal(3, json.Json().GetProperty("items").GetArrayLength());
        Assert.Equal(7, json.Json().GetProperty("summary").GetProperty("noChange").GetInt32());

        var file = Path.Combine(Path.GetTempPath(), $"adsync-preview-{Guid.NewGuid():N}.csv");
        try
        {
            var csv = await stack.RunCliAsync("preview", mapping.ToString(), "--csv", file, "--timeout", "120");
            csv.AssertExit(0);
            var lines = await File.ReadAllLinesAsync(file);
            Assert.Equal(4, lines.Length);
            Assert.StartsWith("action,mapping_id,directory_user_id,", lines[0]);
            // The name starting with '=' is neutralised for spreadsheets.
            Assert.Contains(",'=Gus Gone,'=Gus Gone,", lines.Single(l => l.StartsWith("Disable,", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(file);
        }
        await services;

        var failing = PreviewServices.RunAsync(stack.ConfigUrl, stack.ReaderKey, stack.ProvisionerKey, mapping, count: 1,
            error: "Rescue refused the sync's credentials (INVALID_TOKEN).");
        var failed = await stack.RunCliAsync("preview", mapping.ToString(), "--timeout", "120");
        await failing;
        failed.AssertExit(7);
        Assert.Contains("Rescue refused the sync's credentials", failed.Stderr);
    }

    [Fact]
    public async Task Preview_without_services_times_out_and_bad_input_is_refused()
    {
        var (mapping, _) = await stack.AddMappingAsync($"CN=Preview-{Guid.NewGuid():N},DC=corp,DC=example,DC=org");
        var timedOut = await stack.RunCliAsync("preview", mapping.ToString(), "--timeout", "2");
        timedOut.AssertExit(6);
        Assert.Contains("The reader has not read the mappings of preview", timedOut.Stderr);

        var neither = await stack.RunCliAsync("preview");
        neither.AssertExit(1);
        Assert.Contains("Name one mapping id, or --all", neither.Stderr);
        (await stack.RunCliAsync("preview", mapping.ToString(), "--all")).AssertExit(1);
        (await stack.RunCliAsync("preview", "nope")).AssertExit(1);
        (await stack.RunCliAsync("preview", mapping.ToString(), "--timeout", "0")).AssertExit(1);
        (await stack.RunCliAsync("preview", mapping.ToString(), "--csv", "/no/such/folder/plan.csv")).AssertExit(1);
        var unknown = await stack.RunCliAsync("preview", Guid.NewGuid().ToString());
        unknown.AssertExit(1);
        Assert.Contains("No such mapping", unknown.Stderr);
    }
}
