using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace RescueAdSync.Config.Auth;

/// <summary>
/// Counts failed authentications per client address in one-minute windows. Past the limit the address is refused
/// (429), even with a right key, until its window ends: otherwise guessing could simply go on.
/// </summary>
public sealed class FailedAuthenticationLimiter(IOptions<ApiKeyOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Start, int Count)> failures = new();

    public bool IsBlocked(string client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!failures.TryGetValue(client, out var entry))
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (now - entry.Start >= Window)
        {
            return false;
        }

        retryAfter = entry.Start + Window - now;
        return entry.Count >= options.Value.FailedAttemptsPerMinute;
    }

    public void RecordFailure(string client)
    {
        var now = time.GetUtcNow();
        failures.AddOrUpdate(
            client,
            _ => (now, 1),
            (_, entry) => now - entry.Start >= Window ? (now, 1) : (entry.Start, entry.Count + 1));

        // Bounded memory under a spray of addresses: forget windows that are over.
        if (failures.Count > 10_000)
        {
            foreach (var (key, entry) in failures)
            {
                if (now - entry.Start >= Window)
                {
                    failures.TryRemove(key, out _);
                }
            }
        }
    }
}
