using System.Collections.Concurrent;

namespace RescueAdSync.Provisioner.Partitions;

/// <summary>The provisioner instances heard from recently (heartbeats), this one included.</summary>
public sealed class PartitionMembership(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);

    public string InstanceId { get; } = $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";

    public void Heard(string instanceId) => _lastSeen[instanceId] = clock.GetUtcNow();

    /// <summary>Live instances, sorted (the same order on every instance), this one always included.</summary>
    public IReadOnlyList<string> Live(TimeSpan timeout)
    {
        var now = clock.GetUtcNow();
        foreach (var (id, seen) in _lastSeen)
        {
            if (now - seen > timeout)
            {
                _lastSeen.TryRemove(id, out _);
            }
        }
        return [.. _lastSeen.Keys.Append(InstanceId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The partitions that <paramref name="instanceId"/> owns among <paramref name="members"/>: round robin over the sorted list.</summary>
    public static IReadOnlySet<int> Owned(IReadOnlyList<string> members, string instanceId, int partitions)
    {
        var index = members.ToList().IndexOf(instanceId);
        var owned = new HashSet<int>();
        if (index < 0)
        {
            return owned;
        }

        for (var p = index; p < partitions; p += members.Count)
        {
            owned.Add(p);
        }

        return owned;
    }
}
