using System.CommandLine;
using System.Diagnostics;
using RescueAdSync.Cli.Output;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Cli.Commands;

/// <summary><c>adsync resync &lt;mapping-id&gt;</c>: republish every user of a mapping, forced, so Rescue drift is repaired.</summary>
public static class ResyncCommand
{
    private const string What = "Resync";

    public static Command Create(CommandRunner runner)
    {
        var id = new Argument<string>("mapping-id") { Description = "The mapping to resync (see 'adsync mapping list')." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once requested, without waiting for the reader." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the reader (1-3600).", DefaultValueFactory = _ => 300 };
        var resync = new Command("resync",
            "Full resync of a mapping: the reader reads it in full and republishes every user's state, and the provisioner re-applies each one "
            + "even if nothing changed in the directory (repairs names, emails or statuses changed by hand in Rescue). Technicians a Rescue admin "
            + "moved to another group still get only their status.")
        {
            id, noWait, timeout,
        };
        runner.SetAction(resync, async (parse, context, ct) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds is < 1 or > 3600)
            {
                throw new CliException(ExitCodes.Usage, "--timeout: must be between 1 and 3600.");
            }

            var mappingId = MappingCommands.ParseId("mapping-id", parse.GetValue(id));
            var request = (await context.Api.SendAsync<ResyncRequest>(HttpMethod.Post, $"api/mappings/{mappingId}/resync", new { }, ifMatch: null, What, ct)).Value;
            if (!parse.GetValue(noWait))
            {
                request = await WaitAsync(context, request, TimeSpan.FromSeconds(seconds), ct);
            }

            if (context.Json)
            {
                context.WriteJson(request);
            }
            else
            {
                context.Out.WriteLine(request.Status == ResyncStatus.Done
                    ? $"Resync {request.Id} done: {request.Published} user states republished; the provisioner re-applies them (adsync log --mapping {mappingId})."
                    : $"Resync {request.Id} requested: the reader runs it at its next cycle of the mapping.");
            }

            return ExitCodes.Ok;
        });
        return resync;
    }

    private static async Task<ResyncRequest> WaitAsync(CliContext context, ResyncRequest request, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var interactive = !Console.IsErrorRedirected;
        var lastReport = TimeSpan.Zero;
        context.Error.WriteLine($"Resync {request.Id} requested; waiting for the reader's next cycle (up to {timeout.TotalSeconds:0} s)...");
        while (request.Status == ResyncStatus.Pending)
        {
            if (clock.Elapsed >= timeout)
            {
                if (interactive)
                {
                    context.Error.WriteLine();
                }

                throw new CliException(ExitCodes.Timeout,
                    $"The reader has not done resync {request.Id} within {timeout.TotalSeconds:0} s. Is the ad-reader running, and is the mapping enabled and not held "
                    + "by the mass-change guard (adsync status)? It stays requested and runs at the reader's next cycle of the mapping.");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            request = (await context.Api.GetAsync<ResyncRequest>($"api/resync-requests/{request.Id}", What, ct)).Value;
            if (interactive)
            {
                context.Error.Write($"\r  {request.Status} after {clock.Elapsed.TotalSeconds:0} s ");
            }
            else if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                context.Error.WriteLine($"  still {request.Status} after {clock.Elapsed.TotalSeconds:0} s");
            }
        }

        if (interactive)
        {
            context.Error.WriteLine();
        }

        return request;
    }
}
