namespace RescueAdSync.ServiceDefaults.Ldap;

/// <summary>
/// The order in which SRV targets are contacted, as RFC 2782 says: lowest priority first; within one priority a
/// weighted random order, a record's chance of coming next proportional to its weight. Weight-0 records are placed
/// first in the running sum, so that they are chosen only when the random number is 0: among records with weights they
/// come last but for a very small chance, and among themselves (all weights 0) they keep the order DNS gave them.
/// </summary>
public static class SrvOrder
{
    public static IReadOnlyList<SrvTarget> Order(IEnumerable<SrvTarget> records, Random random)
    {
        var ordered = new List<SrvTarget>();
        foreach (var priority in records.GroupBy(r => r.Priority).OrderBy(g => g.Key))
        {
            var remaining = priority.Where(r => r.Weight == 0).Concat(priority.Where(r => r.Weight > 0)).ToList();
            while (remaining.Count > 0)
            {
                var sum = remaining.Sum(r => r.Weight);
                // A uniform number between 0 and the sum, both included; the first record whose running sum reaches it.
                var pick = random.Next(sum + 1);
                var running = 0;
                var index = 0;
                for (; index < remaining.Count; index++)
                {
                    running += remaining[index].Weight;
                    if (running >= pick)
                    {
                        break;
                    }
                }
                ordered.Add(remaining[index]);
                remaining.RemoveAt(index);
            }
        }
        return ordered;
    }
}
