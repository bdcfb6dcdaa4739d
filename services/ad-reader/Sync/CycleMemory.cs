using System.Runtime;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Keeps the peak memory of a large cycle (a first or full read of tens of thousands of users, and their publishing)
/// close to its live data. Measured at 100,000 users (docs/performance.md): the live data is ~45 MB,
/// but the GC let the heap grow far beyond it — during the read, garbage promoted with the members it reads; during
/// publishing, each gen0 collection promoted the ~256 messages in flight into gen1, which was not collected again before
/// the cycle ended (+20–35 MB) — and kept the freed memory committed. A full, compacting collection that also returns
/// the free memory to the OS (<see cref="GCCollectionMode.Aggressive"/>) at a few points of a large cycle lowered the
/// peak after the first 100k cycle from 244 to 214 MB (gen0 budget capped at 16 MB in both), at the same speed. Small
/// cycles (idle, incremental, a few changes) never collect.
/// </summary>
/// <remarks>
/// The points double (20,000, 40,000, 80,000, … entries read, and the same for messages started), so a cycle of N users
/// collects about 2·log2(N/20,000) + 1 times: the cost of the collections stays proportional to N, however large the
/// directory.
/// </remarks>
public static class CycleMemory
{
    /// <summary>The smallest cycle that collects at all, and the first point.</summary>
    public const int FirstPoint = 20_000;

    /// <summary>Whether <paramref name="count"/> (entries read or messages started so far) is a collection point.</summary>
    public static bool IsPoint(int count) => count >= FirstPoint && count % FirstPoint == 0 && IsPowerOfTwo(count / FirstPoint);

    /// <summary>After each entry read in a full read.</summary>
    public static void Read(int entries)
    {
        if (IsPoint(entries))
        {
            Collect();
        }
    }

    /// <summary>Between the read and the publishing of a cycle: what only the read needed is garbage now.</summary>
    public static void ReadDone(int members)
    {
        if (members >= FirstPoint)
        {
            Collect();
        }
    }

    /// <summary>Before each message is started (<paramref name="started"/> messages before it).</summary>
    public static void Publishing(int started)
    {
        if (IsPoint(started))
        {
            Collect();
        }
    }

    private static bool IsPowerOfTwo(int value) => value > 0 && (value & (value - 1)) == 0;

    private static int _collections;

    /// <summary>Collections made so far by this process (for tests).</summary>
    internal static int Collections => Volatile.Read(ref _collections);

    private static void Collect()
    {
        Interlocked.Increment(ref _collections);
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
