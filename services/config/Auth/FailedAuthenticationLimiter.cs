using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RescueAdSync.Config.Data;

namespace RescueAdSync.Config.Auth;

/// <summary>What the limiter decided about one failed authentication.</summary>
/// <param name="Blocked">True once the address is past the limit in its current window: answer 429, not 401.</param>
/// <param name="RetryAfter">Time left in the address's window (zero when not blocked).</param>
public readonly record struct FailedAuthenticationVerdict(bool Blocked, TimeSpan RetryAfter);

/// <summary>
/// Counts failed authentications (a key presented and not known) per client address in fixed one-minute windows. Past
/// <see cref="ApiKeyOptions.FailedAttemptsPerMinute"/> in a window, every further unknown key from that address gets 429
/// until the window ends. Only failures are counted and only failures are refused: a request with a valid key never
/// reaches this class, so an operator's mistyped key (or an attacker) on the same address as the reader and the
/// provisioner cannot lock them out.
/// <para>
/// On PostgreSQL the count lives in the <c>auth_failure</c> table, one upsert per failure, so every replica of the config
/// service counts towards the same limit (two replicas do not give twice the attempts). On SQLite (one instance) it is
/// counted in this process. If PostgreSQL cannot be reached the failure is counted in this process instead, so the
/// limit still holds per replica.
/// </para>
/// </summary>
public sealed class FailedAuthenticationLimiter(
    IOptions<ApiKeyOptions> options,
    IOptions<DatabaseOptions> database,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<FailedAuthenticationLimiter> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxTrackedAddresses = 10_000;

    private readonly ConcurrentDictionary<string, (DateTimeOffset Start, int Count)> failures = new();

    // PostgreSQL: windows this replica already knows to be past the limit. A spray of wrong keys from a blocked address
    // is then refused without a database write per request.
    private readonly ConcurrentDictionary<string, DateTimeOffset> blockedUntil = new();
    private long lastCleanupTicks;

    /// <summary>Failed authentications allowed per address and window; the next one is refused with 429.</summary>
    public int Limit => options.Value.FailedAttemptsPerMinute;

    /// <summary>Counts one failed authentication from <paramref name="client"/> and says whether it is past the limit.</summary>
    public async Task<FailedAuthenticationVerdict> RecordFailureAsync(string client, CancellationToken cancellationToken)
    {
        client = client.Length > AuthFailureRow.MaxClientLength ? client[..AuthFailureRow.MaxClientLength] : client;
        var now = time.UtcNowForStorage();
        if (database.Value.Provider != DatabaseProvider.PostgreSql)
        {
            return CountLocally(client, now);
        }

        if (blockedUntil.TryGetValue(client, out var until) && until > now)
        {
            return new FailedAuthenticationVerdict(true, until - now);
        }

        try
        {
            var (start, count) = await CountSharedAsync(client, now, cancellationToken);
            var end = start + Window;
            if (count <= options.Value.FailedAttemptsPerMinute)
            {
                return new FailedAuthenticationVerdict(false, TimeSpan.Zero);
            }

            blockedUntil[client] = end;
            Forget(blockedUntil, (_, value) => value <= now);
            return new FailedAuthenticationVerdict(true, end > now ? end - now : TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            logger.FailedAuthenticationNotCounted(ex);
            return CountLocally(client, now);
        }
    }

    private FailedAuthenticationVerdict CountLocally(string client, DateTimeOffset now)
    {
        var entry = failures.AddOrUpdate(
            client,
            _ => (now, 1),
            (_, entry) => now - entry.Start >= Window ? (now, 1) : (entry.Start, entry.Count + 1));

        // Bounded memory under a spray of addresses: forget windows that are over.
        Forget(failures, (_, value) => now - value.Start >= Window);
        return entry.Count > options.Value.FailedAttemptsPerMinute
            ? new FailedAuthenticationVerdict(true, entry.Start + Window - now)
            : new FailedAuthenticationVerdict(false, TimeSpan.Zero);
    }

    /// <summary>
    /// One statement: a new window for an address not seen or whose window is over, else one more failure in its window.
    /// Concurrent failures on several replicas queue on the row's lock and each sees the count including its own.
    /// </summary>
    private async Task<(DateTimeOffset Start, int Count)> CountSharedAsync(string client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PostgresConfigDbContext>();
        var over = now - Window;
        var rows = await db.Database.SqlQuery<SharedWindow>($"""
            INSERT INTO auth_failure AS f ("Client", "WindowStart", "Count") VALUES ({client}, {now}, 1)
            ON CONFLICT ("Client") DO UPDATE SET
                "WindowStart" = CASE WHEN f."WindowStart" <= {over} THEN EXCLUDED."WindowStart" ELSE f."WindowStart" END,
                "Count" = CASE WHEN f."WindowStart" <= {over} THEN 1 ELSE f."Count" + 1 END
            RETURNING "WindowStart", "Count"
            """).ToListAsync(cancellationToken);

        // Windows that are over are deleted now and then (at most once a window per replica), so the table stays small.
        var last = Interlocked.Read(ref lastCleanupTicks);
        if (now.UtcTicks - last >= Window.Ticks && Interlocked.CompareExchange(ref lastCleanupTicks, now.UtcTicks, last) == last)
        {
            await db.AuthFailures.Where(f => f.WindowStart <= over).ExecuteDeleteAsync(cancellationToken);
        }

        var row = rows.Single();
        return (row.WindowStart, row.Count);
    }

    private static void Forget<T>(ConcurrentDictionary<string, T> entries, Func<string, T, bool> over)
    {
        if (entries.Count <= MaxTrackedAddresses)
        {
            return;
        }

        foreach (var (key, value) in entries)
        {
            if (over(key, value))
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private sealed class SharedWindow
    {
        public DateTimeOffset WindowStart { get; set; }

        public int Count { get; set; }
    }
}
