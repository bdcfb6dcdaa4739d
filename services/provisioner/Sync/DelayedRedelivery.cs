namespace RescueAdSync.Provisioner.Sync;

/// <summary>Headers and names of delayed redelivery (wait queues with a TTL that dead-letter back to the partitions).</summary>
public static class DelayedRedelivery
{
    /// <summary>How many times the message already waited in a wait queue.</summary>
    public const string CountHeader = "adsync-redelivery-count";

    /// <summary>The fanout exchange a change is sent to for a wait of <paramref name="seconds"/>.</summary>
    public static string WaitExchange(int seconds) => $"user-changed-wait-{seconds}s";

    /// <summary>
    /// The quorum queue behind <see cref="WaitExchange"/>. Older installations had a classic queue named like the exchange;
    /// it is retired at start (<see cref="Partitions.ClassicQueueRetirement"/>).
    /// </summary>
    public static string WaitQueue(int seconds) => $"user-changed-retry-{seconds}s";
}
