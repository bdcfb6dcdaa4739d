namespace RescueAdSync.Provisioner.Sync;

/// <summary>Headers and names of delayed redelivery (wait queues with a TTL that dead-letter back to the partitions).</summary>
public static class DelayedRedelivery
{
    /// <summary>How many times the message already waited in a wait queue.</summary>
    public const string CountHeader = "adsync-redelivery-count";

    public static string WaitQueue(int seconds) => $"user-changed-wait-{seconds}s";
}
