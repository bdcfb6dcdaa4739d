using System.CommandLine;
using System.Diagnostics;
using RescueAdSync.Cli.Output;
using RescueAdSync.Contracts.Previews;

namespace RescueAdSync.Cli.Commands;

/// <summary><c>adsync preview &lt;mapping&gt; | --all</c>: what the sync would do, computed against the directory and Rescue, changing nothing.</summary>
public static class PreviewCommand
{
    private const string What = "Preview";

    public static Command Create(CommandRunner runner)
    {
        var mapping = new Argument<string?>("mapping-id") { Description = "The mapping to preview, enabled or not: a disabled one is read for the preview only (see 'adsync mapping list').", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Preview every enabled mapping." };
        var csv = new Option<string?>("--csv") { Description = "Also write the plan as CSV to this file ('-' for standard output instead of the table)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the plan (1-3600).", DefaultValueFactory = _ => 300 };
        var preview = new Command("preview",
            "Preview (dry run): the technicians the sync would create, link (existing technician with the same email), update (name/email, "
            + "before -> after), enable or disable, and how many it would leave unchanged, computed by the reader and the provisioner against "
            + "the real directory and Rescue organization. Nothing is changed. Exits 7 when the preview fails (directory or Rescue error).")
        {
            mapping, all, csv, timeout,
        };
        runner.SetAction(preview, async (parse, context, ct) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds is < 1 or > 3600)
            {
                throw new CliException(ExitCodes.Usage, "--timeout: must be between 1 and 3600.");
            }
            var given = parse.GetValue(mapping);
            var everything = parse.GetValue(all);
            if (given is null == !everything)
            {
                throw new CliException(ExitCodes.Usage, "Name one mapping id, or --all for every enabled mapping (not both).");
            }
            var csvPath = parse.GetValue(csv);
            if (csvPath is not null && csvPath != "-" && Path.GetDirectoryName(Path.GetFullPath(csvPath)) is { } folder && !Directory.Exists(folder))
            {
                throw new CliException(ExitCodes.Usage, $"--csv: the folder '{folder}' does not exist.");
            }

            Guid? mappingId = given is null ? null : MappingCommands.ParseId("mapping-id", given);
            var result = (await context.Api.SendAsync<Preview>(HttpMethod.Post, "api/previews", new NewPreview(mappingId), ifMatch: null, What, ct)).Value;
            result = await WaitAsync(context, result, TimeSpan.FromSeconds(seconds), ct);
            if (result.Status == PreviewStatus.Failed)
            {
                if (context.Json)
                {
                    context.WriteJson(result);
                }
                context.Error.WriteLine($"Preview {result.Id} failed: {result.Error}");
                return ExitCodes.OperationFailed;
            }

            if (csvPath is not null)
            {
                var text = await context.Api.GetTextAsync($"api/previews/{result.Id}/csv", What, ct);
                if (csvPath == "-")
                {
                    context.Out.Write(text);
                    return ExitCodes.Ok;
                }
                await File.WriteAllTextAsync(csvPath, text, ct);
                context.Error.WriteLine($"Plan written to {csvPath} ({result.Items!.Count} rows).");
            }

            if (context.Json)
            {
                context.WriteJson(result);
            }
            else
            {
                Write(context, result);
            }
            return ExitCodes.Ok;
        });
        return preview;
    }

    private static void Write(CliContext context, Preview preview)
    {
        var s = preview.Summary!;
        context.Out.WriteLine($"Preview {preview.Id} ({(preview.MappingId is null ? $"{preview.MappingIds.Count} mappings" : $"mapping {preview.MappingId}")}): nothing was changed.");
        context.Out.WriteLine($"  create {s.Create}, link {s.Link}, update {s.Update}, enable {s.Enable}, disable {s.Disable}, skip {s.Skip}, no change {s.NoChange}");
        if (preview.Items!.Count == 0)
        {
            context.Out.WriteLine("The sync would change nothing.");
            return;
        }
        var table = new TextTable("Action", "Directory user", "Technician", "Name", "Email", "Status", "Note");
        foreach (var item in preview.Items.OrderBy(i => i.Action).ThenBy(i => i.DistinguishedName, StringComparer.OrdinalIgnoreCase))
        {
            table.Add(item.Action.ToString(), item.DistinguishedName ?? item.DirectoryUserId,
                item.TechnicianNodeId is { } node ? Formats.Number(node) : "(new)",
                Change(item.Before?.Name, item.After?.Name), Change(item.Before?.Email, item.After?.Email),
                Change(Status(item.Before), Status(item.After)), item.Note is null ? "" : Formats.Truncate(item.Note, 80));
        }
        table.WriteTo(context.Out);
    }

    private static string? Status(TechnicianFields? fields) => fields is null ? null : fields.Enabled ? "Enabled" : "Disabled";

    private static string Change(string? before, string? after) =>
        before is null ? after ?? "" : after is null || string.Equals(before, after, StringComparison.Ordinal) ? before : $"{before} -> {after}";

    private static async Task<Preview> WaitAsync(CliContext context, Preview preview, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var interactive = !Console.IsErrorRedirected;
        var lastReport = TimeSpan.Zero;
        context.Error.WriteLine($"Preview {preview.Id} requested; waiting for the reader and the provisioner (up to {timeout.TotalSeconds:0} s)...");
        while (preview.Status is PreviewStatus.Pending or PreviewStatus.Read)
        {
            if (clock.Elapsed >= timeout)
            {
                if (interactive)
                {
                    context.Error.WriteLine();
                }
                throw new CliException(ExitCodes.Timeout, preview.Status == PreviewStatus.Pending
                    ? $"The reader has not read the mappings of preview {preview.Id} within {timeout.TotalSeconds:0} s. Is the ad-reader running "
                      + "(adsync status)? The preview stays pending; see GET /api/previews/" + preview.Id + "."
                    : $"No provisioner has computed the plan of preview {preview.Id} within {timeout.TotalSeconds:0} s. Is the provisioner running "
                      + "and connected to RabbitMQ? See GET /api/previews/" + preview.Id + ".");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            preview = (await context.Api.GetAsync<Preview>($"api/previews/{preview.Id}", What, ct)).Value;
            if (interactive)
            {
                context.Error.Write($"\r  {(preview.Status == PreviewStatus.Pending ? "reading the directory" : "comparing with Rescue")}... {clock.Elapsed.TotalSeconds:0} s ");
            }
            else if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                context.Error.WriteLine($"  still {preview.Status} after {clock.Elapsed.TotalSeconds:0} s");
            }
        }
        if (interactive)
        {
            context.Error.WriteLine();
        }
        return preview;
    }
}
