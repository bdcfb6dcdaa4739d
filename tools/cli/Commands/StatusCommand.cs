using System.CommandLine;
using RescueAdSync.Cli.Output;
using RescueAdSync.Cli.Status;

namespace RescueAdSync.Cli.Commands;

/// <summary><c>adsync status [mapping-id]</c>: settings, link counts by state and recent errors per mapping.</summary>
public static class StatusCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = new Argument<string?>("mapping-id") { Description = "Only this mapping (default: all).", Arity = ArgumentArity.ZeroOrOne };
        var errors = new Option<int>("--errors") { Description = "How many recent errors to show per mapping (0-50).", DefaultValueFactory = _ => 3 };
        var status = new Command("status", "Per mapping: its settings, technician links by state, error count, the reader's last cycle that found changes, "
            + "the lag (0 when the provisioner has applied what that cycle published, else the time since it), last activity (the provisioner's last applied change or the last sync-log entry, whichever is later) and last errors.") { id, errors };
        runner.SetAction(status, async (parse, context, ct) =>
        {
            var lastErrors = parse.GetValue(errors);
            if (lastErrors is < 0 or > 50)
            {
                throw new CliException(ExitCodes.Usage, "--errors: must be between 0 and 50.");
            }

            var only = parse.GetValue(id) is { } given ? MappingCommands.ParseId("mapping-id", given) : (Guid?)null;
            var result = await StatusReader.ReadAsync(context.Api, only, lastErrors, ct);
            if (context.Json)
            {
                context.WriteJson(result);
            }
            else
            {
                Write(context.Out, result);
            }

            return ExitCodes.Ok;
        });
        return status;
    }

    private static void Write(TextWriter output, SystemStatus status)
    {
        output.WriteLine(status.Account is { } a
            ? $"Rescue account: {a.ApiBaseUrl} as {a.MahEmail}; service token {Formats.SetOrNot(a.ServiceTokenSet)}, default password {Formats.SetOrNot(a.DefaultPasswordSet)}"
            : "Rescue account: not set (adsync account set)");
        output.WriteLine(status.Directory is { } d
            ? $"Directory: {d.Kind} {(d.Domain is { } domain ? $"domain {domain}" : string.Join(", ", d.ServerUrls))} base {d.BaseDn}; bind password {Formats.SetOrNot(d.BindPasswordSet)}"
            : "Directory: not set (adsync directory set)");
        output.WriteLine();

        var table = new TextTable("ID", "Source group", "Tech group", "Enabled", "Links", "Enabled", "Disabled", "OutOfScope", "Deleted", "Errors",
            "Last cycle", "Lag", "Last activity", "Guard");
        foreach (var m in status.Mappings)
        {
            table.Add(
                m.Mapping.Id.ToString(), m.Mapping.SourceGroupDn, Formats.Number(m.Mapping.TechnicianGroupId), Formats.YesNo(m.Mapping.Enabled),
                Formats.Number(m.LinkCount), Count(m, "Enabled"), Count(m, "Disabled"), Count(m, "OutOfScope"), Count(m, "Deleted"),
                Formats.Number(m.ErrorCount), Formats.Time(m.LastCycle), Lag(m.LagSeconds), Formats.Time(m.LastActivity), m.Mapping.OpenPlanStatus?.ToString().ToUpperInvariant() ?? "ok");
        }

        table.WriteTo(output);
        if (status.Mappings.Count == 0)
        {
            output.WriteLine("No mappings yet: add one with 'adsync mapping add'.");
        }

        foreach (var m in status.Mappings.Where(m => m.Mapping.OpenPlanId is not null))
        {
            output.WriteLine();
            output.WriteLine(m.Mapping.OpenPlanStatus == Contracts.Operations.HeldPlanStatus.Held
                ? $"HELD: the mass-change guard holds {m.Mapping.SourceGroupDn}; nothing of it is applied. See 'adsync plans {m.Mapping.OpenPlanId}', then 'adsync approve' or 'adsync reject' it."
                : $"APPROVED: plan {m.Mapping.OpenPlanId} of {m.Mapping.SourceGroupDn} is applied at the reader's next cycle.");
        }

        foreach (var m in status.Mappings.Where(m => m.LastErrors.Count > 0))
        {
            output.WriteLine();
            output.WriteLine($"Last errors of {m.Mapping.SourceGroupDn}:");
            var errors = new TextTable("Time", "User", "Operation", "Code", "Retry", "Message");
            foreach (var e in m.LastErrors)
            {
                errors.Add(Formats.Time(e.Time), e.DirectoryUserId ?? "-", e.Operation, e.ErrorCode ?? "-", Formats.YesNo(e.WillRetry), Formats.Truncate(e.Message, 100));
            }

            errors.WriteTo(output);
        }
    }

    private static string Lag(double? seconds) => seconds switch
    {
        null => "-",
        0 => "0",
        < 120 => $"{seconds:0} s",
        < 7200 => $"{seconds / 60:0} min",
        _ => $"{seconds / 3600:0.#} h",
    };

    private static string Count(MappingStatus status, string state) =>
        Formats.Number(status.Links.TryGetValue(state, out var count) ? count : 0);
}
