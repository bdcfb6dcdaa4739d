using System.ComponentModel.DataAnnotations;

namespace RescueAdSync.Provisioner.Monitoring;

/// <summary>Which error queues the provisioner reports as <c>adsync_error_queue_depth</c> (section "ErrorQueueMonitor").</summary>
public sealed class ErrorQueueMonitorOptions
{
    public const string Section = "ErrorQueueMonitor";

    /// <summary>Queues whose depth is exported; MassTransit names a consumer's error queue "&lt;queue&gt;_error".</summary>
    [MinLength(1)] public string[] Queues { get; set; } = ["user-changed_error"];

    /// <summary>How often the depth is read (a passive queue declare: no queue is ever created by it).</summary>
    [Range(1, 3600)] public int PollSeconds { get; set; } = 15;
}
