using System.CommandLine;
using System.Diagnostics;
using RescueAdSync.Cli.Output;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Cli.Commands;

/// <summary><c>adsync provision &lt;user&gt;</c>: provision one directory user now and show the result.</summary>
public static class ProvisionCommand
{
    private const string What = "Provision";

    public static Command Create(CommandRunner runner)
    {
        var user = new Argument<string>("user") { Description = "sAMAccountName / uid, mail, userPrincipalName, DN or directory id (objectGUID / entryUUID) of the user." };
        var mapping = new Option<string?>("--mapping") { Description = "The mapping whose directory and group apply (see 'adsync mapping list'); optional when only one mapping is enabled." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once requested, without waiting for the result." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the result (1-3600).", DefaultValueFactory = _ => 300 };
        var provision = new Command("provision",
            "Provision one user now: the reader looks the user up in the mapping's directory (it must be a member of the mapping's group) and "
            + "the provisioner applies its state to Rescue at once, even if nothing changed; prints what was done (created, linked, updated, enabled, disabled, unchanged...) "
            + "and the technician's node id. Exits 7 when it fails (unknown user, not a member, Rescue refused it).")
        {
            user, mapping, noWait, timeout,
        };
        runner.SetAction(provision, async (parse, context, ct) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds is < 1 or > 3600)
            {
                throw new CliException(ExitCodes.Usage, "--timeout: must be between 1 and 3600.");
            }

            var name = parse.GetValue(user)?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw new CliException(ExitCodes.Usage, "user: name the user (uid / sAMAccountName, mail, DN or directory id).");
            }

            var mappingText = parse.GetValue(mapping);
            Guid? mappingId = mappingText is null ? null : MappingCommands.ParseId("--mapping", mappingText);
            var request = (await context.Api.SendAsync<ProvisionRequest>(HttpMethod.Post, "api/provision-requests",
                new NewProvisionRequest(name, mappingId), ifMatch: null, What, ct)).Value;
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
                context.Out.WriteLine(request.Status switch
                {
                    ProvisionStatus.Done => $"Provisioned '{request.User}' ({request.Id}): {request.Outcome}, technician node {request.TechnicianNodeId}.",
                    ProvisionStatus.Failed => $"Provisioning '{request.User}' ({request.Id}) failed: {request.Error}",
                    _ => $"Provision request {request.Id} for '{request.User}' is {request.Status}: see 'adsync provision' again or GET /api/provision-requests/{request.Id}.",
                });
            }

            return request.Status == ProvisionStatus.Failed ? ExitCodes.OperationFailed : ExitCodes.Ok;
        });
        return provision;
    }

    private static async Task<ProvisionRequest> WaitAsync(CliContext context, ProvisionRequest request, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var interactive = !Console.IsErrorRedirected;
        var lastReport = TimeSpan.Zero;
        context.Error.WriteLine($"Provision request {request.Id} made; waiting for the reader and the provisioner (up to {timeout.TotalSeconds:0} s)...");
        while (request.Status is ProvisionStatus.Pending or ProvisionStatus.Published)
        {
            if (clock.Elapsed >= timeout)
            {
                if (interactive)
                {
                    context.Error.WriteLine();
                }

                throw new CliException(ExitCodes.Timeout, request.Status == ProvisionStatus.Pending
                    ? $"The reader has not picked up provision request {request.Id} within {timeout.TotalSeconds:0} s. Is the ad-reader running and the mapping "
                      + "enabled (adsync status)? The request stays and runs at the reader's next cycle of the mapping."
                    : $"The provisioner has not reported provision request {request.Id} within {timeout.TotalSeconds:0} s. Is the provisioner running, and "
                      + "is Rescue reachable (adsync log)? The message waits in the queue and is applied when it can be.");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            request = (await context.Api.GetAsync<ProvisionRequest>($"api/provision-requests/{request.Id}", What, ct)).Value;
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
