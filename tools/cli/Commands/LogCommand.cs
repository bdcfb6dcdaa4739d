using System.CommandLine;
using RescueAdSync.Cli.Input;
using RescueAdSync.Cli.Output;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Commands;

/// <summary><c>adsync log</c>: the sync log (the "Active Directory Logger"), filtered and paged, or followed as it grows.</summary>
public static class LogCommand
{
    private const int MaxTake = 500;
    // Entries are stamped by the service when stored; re-reading a little before the newest one seen catches entries
    // of two writers that committed out of order. Their ids tell which ones were already printed.
    private static readonly TimeSpan FollowOverlap = TimeSpan.FromSeconds(10);

    public static Command Create(CommandRunner runner)
    {
        var since = new Option<string?>("--since") { Description = "Entries at or after this: a duration back from now (30s, 15m, 2h, 7d) or a timestamp (UTC unless it has an offset)." };
        var until = new Option<string?>("--until") { Description = "Entries at or before this (same forms as --since)." };
        var level = new Option<SyncLogLevel?>("--level") { Description = "Only Info, Warning or Error." };
        var mapping = new Option<string?>("--mapping") { Description = "Only this mapping id." };
        var user = new Option<string?>("--user") { Description = "Only this directory user id (objectGUID / entryUUID)." };
        var skip = new Option<int>("--skip") { Description = "Skip this many entries (paging; newest first).", DefaultValueFactory = _ => 0 };
        var take = new Option<int>("--take") { Description = $"Entries per page (1-{MaxTake}).", DefaultValueFactory = _ => 50 };
        var wide = new Option<bool>("--wide") { Description = "Full messages and ids instead of shortened ones." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep polling and print new entries as they arrive (oldest first) until Ctrl-C; with --json one entry per line." };
        var interval = new Option<double>("--interval") { Description = "Seconds between polls in --follow mode.", DefaultValueFactory = _ => 2 };
        var log = new Command("log", "Read the sync log, newest first: failures and warnings, and operator actions (guard holds, approvals, rejections, resyncs, "
            + "previews, provision requests). Routine creations, updates and disables are not in it: 'adsync status' shows the last applied change.")
        {
            since, until, level, mapping, user, skip, take, wide, follow, interval,
        };
        runner.SetAction(log, async (parse, context, ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            var query = new LogQuery(
                parse.GetValue(since) is { } s ? TimeArgument.Parse("--since", s, now) : null,
                parse.GetValue(until) is { } u ? TimeArgument.Parse("--until", u, now) : null,
                parse.GetValue(level),
                parse.GetValue(mapping) is { } m ? MappingCommands.ParseId("--mapping", m) : null,
                parse.GetValue(user));
            var (skipValue, takeValue) = (parse.GetValue(skip), parse.GetValue(take));
            if (skipValue < 0)
            {
                throw new CliException(ExitCodes.Usage, "--skip: must not be negative.");
            }

            if (takeValue is < 1 or > MaxTake)
            {
                throw new CliException(ExitCodes.Usage, $"--take: must be between 1 and {MaxTake}.");
            }

            if (query.From > query.To)
            {
                throw new CliException(ExitCodes.Usage, "--since: must not be after --until.");
            }

            if (!parse.GetValue(follow))
            {
                await PrintPageAsync(context, query, skipValue, takeValue, parse.GetValue(wide), ct);
                return ExitCodes.Ok;
            }

            if (query.To is not null)
            {
                throw new CliException(ExitCodes.Usage, "--until cannot be combined with --follow.");
            }

            var seconds = parse.GetValue(interval);
            if (seconds is < 0.2 or > 3600)
            {
                throw new CliException(ExitCodes.Usage, "--interval: must be between 0.2 and 3600 seconds.");
            }

            await FollowAsync(context, query, takeValue, parse.GetValue(wide), TimeSpan.FromSeconds(seconds), ct);
            return ExitCodes.Ok;
        });
        return log;
    }

    private static async Task PrintPageAsync(CliContext context, LogQuery query, int skip, int take, bool wide, CancellationToken ct)
    {
        var page = await context.Api.GetAsync<SyncLogEntry[]>(query.ToPath(skip, take), "Sync log", ct);
        var total = page.TotalCount ?? page.Value.Length;
        if (context.Json)
        {
            context.WriteJson(new LogPage(total, skip, take, page.Value));
            return;
        }

        var table = NewTable();
        foreach (var entry in page.Value)
        {
            AddRow(table, entry, wide);
        }

        table.WriteTo(context.Out);
        context.Out.WriteLine(page.Value.Length == 0
            ? $"No entries on this page ({total} match)."
            : $"Entries {skip + 1}-{skip + page.Value.Length} of {total}, newest first."
                + (skip + page.Value.Length < total ? $" Next page: --skip {skip + take}." : ""));
    }

    private static async Task FollowAsync(CliContext context, LogQuery query, int take, bool wide, TimeSpan interval, CancellationToken ct)
    {
        // The latest page first, like tail -f, then everything newer.
        var first = await context.Api.GetAsync<SyncLogEntry[]>(query.ToPath(0, take), "Sync log", ct);
        var lastId = 0L;
        var lastTime = query.From;
        Print(first.Value.Reverse());
        while (true)
        {
            await Task.Delay(interval, ct);
            var since = query with { From = lastTime is { } t ? t - FollowOverlap : null };
            var fresh = new List<SyncLogEntry>();
            for (var skip = 0; ; skip += MaxTake)
            {
                var page = (await context.Api.GetAsync<SyncLogEntry[]>(since.ToPath(skip, MaxTake), "Sync log", ct)).Value;
                fresh.AddRange(page.Where(e => e.Id > lastId));
                if (page.Length < MaxTake)
                {
                    break;
                }
            }

            Print(fresh.OrderBy(e => e.Id));
        }

        void Print(IEnumerable<SyncLogEntry> entries)
        {
            foreach (var entry in entries)
            {
                lastId = Math.Max(lastId, entry.Id);
                lastTime = lastTime is { } t && t > entry.Time ? t : entry.Time;
                if (context.Json)
                {
                    context.WriteJsonLine(entry);
                }
                else
                {
                    // One line per entry, not a table: columns cannot be aligned with rows that have not arrived yet.
                    context.Out.WriteLine(FollowLine(entry, wide));
                }
            }

            context.Out.Flush();
        }
    }

    private static string FollowLine(SyncLogEntry e, bool wide) =>
        $"{Formats.Time(e.Time)}  {e.Level,-7}  {e.Source}  {e.Operation}"
        + (e.MappingId is { } m ? $"  mapping={(wide ? m.ToString() : m.ToString()[..8])}" : "")
        + (e.DirectoryUserId is { } u ? $"  user={u}" : "")
        + (Person(e) is { } p ? $"  ({p})" : "")
        + (e.ErrorCode is { } c ? $"  code={c}" : "")
        + (e.WillRetry ? "  (will retry)" : "")
        + (wide && e.TraceId is { } trace ? $"  trace={trace}" : "")
        + $"  {(wide ? e.Message : Formats.Truncate(e.Message, 120)).ReplaceLineEndings(" ")}";

    private static TextTable NewTable() => new("Time", "Level", "Source", "Operation", "Mapping", "User", "Name", "Code", "Retry", "Message");

    /// <summary>The person the entry is about, as the writer knew them: "Name &lt;email&gt;", or null when the entry names nobody.</summary>
    private static string? Person(SyncLogEntry e) => (e.DisplayName, e.Email) switch
    {
        (null, null) => null,
        ({ } name, null) => name,
        (null, { } email) => $"<{email}>",
        ({ } name, { } email) => $"{name} <{email}>",
    };

    private static void AddRow(TextTable table, SyncLogEntry e, bool wide) => table.Add(
        Formats.Time(e.Time),
        e.Level.ToString(),
        e.Source,
        e.Operation,
        e.MappingId is { } m ? (wide ? m.ToString() : m.ToString()[..8]) : "-",
        e.DirectoryUserId ?? "-",
        Person(e) is { } person ? (wide ? person : Formats.Truncate(person, 60)) : "-",
        e.ErrorCode ?? "-",
        Formats.YesNo(e.WillRetry),
        wide ? e.Message + (e.TraceId is { } trace ? $" (trace {trace})" : "") : Formats.Truncate(e.Message, 80));
}
