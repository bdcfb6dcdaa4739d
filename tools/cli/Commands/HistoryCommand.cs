using System.CommandLine;
using System.Globalization;
using RescueAdSync.Cli.Output;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Commands;

/// <summary><c>adsync history &lt;user&gt;</c>: every change the sync applied to one user's technician, newest first.</summary>
public static class HistoryCommand
{
    private const int MaxTake = 500;
    private const int MaxUserLength = 256;

    public static Command Create(CommandRunner runner)
    {
        var user = new Argument<string>("user")
        {
            Description = "Part of the user's name, email or login (sAMAccountName / uid), or the start of the directory user id; matched literally, ignoring case.",
        };
        var skip = new Option<int>("--skip") { Description = "Skip this many entries (paging; newest first).", DefaultValueFactory = _ => 0 };
        var take = new Option<int>("--take") { Description = $"Entries per page (1-{MaxTake}).", DefaultValueFactory = _ => 50 };
        var wide = new Option<bool>("--wide") { Description = "Full ids, DN, reasons and trace ids instead of shortened ones." };
        var history = new Command("history",
            "Show a user's history: created, linked, renamed (before → after), enabled, disabled and why, skipped, stale; newest first.")
        {
            user, skip, take, wide,
        };
        runner.SetAction(history, async (parse, context, ct) =>
        {
            var term = parse.GetValue(user)?.Trim() ?? "";
            if (term.Length == 0)
            {
                throw new CliException(ExitCodes.Usage, "user: give part of a name, email or login, or the start of a directory user id.");
            }

            if (term.Length > MaxUserLength)
            {
                throw new CliException(ExitCodes.Usage, $"user: at most {MaxUserLength} characters.");
            }

            var (skipValue, takeValue) = (parse.GetValue(skip), parse.GetValue(take));
            if (skipValue < 0)
            {
                throw new CliException(ExitCodes.Usage, "--skip: must not be negative.");
            }

            if (takeValue is < 1 or > MaxTake)
            {
                throw new CliException(ExitCodes.Usage, $"--take: must be between 1 and {MaxTake}.");
            }

            var path = string.Create(CultureInfo.InvariantCulture, $"api/history?user={Uri.EscapeDataString(term)}&skip={skipValue}&take={takeValue}");
            var page = await context.Api.GetAsync<HistoryEntry[]>(path, "History", ct);
            var total = page.TotalCount ?? page.Value.Length;
            if (context.Json)
            {
                context.WriteJson(new HistoryPage(total, skipValue, takeValue, page.Value));
                return ExitCodes.Ok;
            }

            var wideValue = parse.GetValue(wide);
            var table = new TextTable("Time", "Action", "User", "Name", "Email", "Login", "Technician", "Version", "Details");
            foreach (var e in page.Value)
            {
                table.Add(
                    Formats.Time(e.Time),
                    e.Action.ToString(),
                    wideValue ? e.DirectoryUserId : Formats.Truncate(e.DirectoryUserId, 13),
                    e.DisplayName,
                    e.Email,
                    e.Login ?? "-",
                    e.TechnicianNodeId?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    e.Version.ToString(CultureInfo.InvariantCulture),
                    Details(e, wideValue));
            }

            table.WriteTo(context.Out);
            context.Out.WriteLine(page.Value.Length == 0
                ? total == 0 ? $"No history for '{term}'." : $"No entries on this page ({total} match)."
                : $"Entries {skipValue + 1}-{skipValue + page.Value.Length} of {total}, newest first."
                    + (skipValue + page.Value.Length < total ? $" Next page: --skip {skipValue + takeValue}." : ""));
            return ExitCodes.Ok;
        });
        return history;
    }

    /// <summary>Before → after for what changed, then the reason; the DN and trace id with --wide.</summary>
    public static string Details(HistoryEntry e, bool wide)
    {
        var parts = new List<string>();
        if (e.NameBefore is { } name)
        {
            parts.Add($"name: {name} → {e.DisplayName}");
        }

        if (e.EmailBefore is { } email)
        {
            parts.Add($"email: {email} → {e.Email}");
        }

        if (e.Reason is { } reason)
        {
            parts.Add(wide ? reason : Formats.Truncate(reason, 90));
        }

        if (wide && e.DistinguishedName is { } dn)
        {
            parts.Add($"dn: {dn}");
        }

        if (wide && e.TraceId is { } trace)
        {
            parts.Add($"trace: {trace}");
        }

        return parts.Count == 0 ? "-" : string.Join("; ", parts).ReplaceLineEndings(" ");
    }
}
