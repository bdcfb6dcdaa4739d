using MassTransit;

namespace RescueAdSync.Provisioner.Partitions;

/// <summary>One error queue for the router and every partition (<c>user-changed_error</c>): one place to look, one alert.</summary>
public sealed class PartitionErrorQueueNameFormatter : IErrorQueueNameFormatter
{
    public string FormatErrorQueueName(string queueName) =>
        queueName.StartsWith(UserChangedTopology.RouterQueue, StringComparison.Ordinal) ? UserChangedTopology.ErrorQueue : $"{queueName}_error";
}
