using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Tests.Cli;

[Collection(ConfigStackCollection.Name)]
public sealed class LogTraceIdTests(ConfigStack stack)
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";

    [Fact]
    public async Task Log_json_and_wide_show_the_trace_id_of_an_entry_written_in_a_trace()
    {
        var mapping = (await stack.AddMappingAsync($"CN=Trace-{Guid.NewGuid():N},DC=corp,DC=example,DC=org")).Id;
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Info, "provisioner", "createUser", "traced", mapping, TraceId: TraceId));
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Info, "provisioner", "createUser", "untraced", mapping));

        var page = (await stack.RunCliAsync("log", "--mapping", mapping.ToString(), "--json")).Json();
        var entries = page.GetProperty("entries").EnumerateArray()
            .ToDictionary(e => e.GetProperty("message").GetString()!, e => e.GetProperty("traceId"));
        Assert.Equal(TraceId, entries["traced"].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, entries["untraced"].ValueKind);

        var wide = await stack.RunCliAsync("log", "--mapping", mapping.ToString(), "--wide");
        wide.AssertExit(0);
        Assert.Contains($"traced (trace {TraceId})", wide.Stdout);
    }
}
