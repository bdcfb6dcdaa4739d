using RescueAdSync.Contracts;
using RescueAdSync.Provisioner.Sync;

namespace RescueAdSync.Provisioner;

/// <summary>
/// Every log line the provisioner writes, source-generated: event ids 3000-3999 are this service's, and a caught exception
/// goes in the exception field of the entry rather than its text.
/// </summary>
internal static partial class ProvisionerLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "{Result} technician {NodeId} for {DirectoryUserId} (version {Version}, {State})")]
    public static partial void TechnicianProvisioned(this ILogger logger, ProvisioningResult result, long nodeId, string directoryUserId, long version, UserState state);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Technician {NodeId} created for {DirectoryUserId} was claimed by a recovering user; looking for its orphan")]
    public static partial void CreatedTechnicianClaimed(this ILogger logger, long nodeId, string directoryUserId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "The config service has no POST /api/links/batch (older than this provisioner): link writes go one request each")]
    public static partial void LinkBatchUnsupported(this ILogger logger);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "The config service has no POST /api/history/batch (older than this provisioner): skipped and stale changes are not recorded in the history")]
    public static partial void HistoryBatchUnsupported(this ILogger logger);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "The replaced Rescue credentials are refused as well; Rescue calls stay paused")]
    public static partial void ReplacedCredentialsRefused(this ILogger logger);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning,
        Message = "Checking the Rescue token failed ({Code}); resuming and letting message retries decide")]
    public static partial void TokenCheckFailed(this ILogger logger, string code, Exception exception);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Adjusting the consumed partitions failed: {Error}")]
    public static partial void PartitionAdjustmentFailed(this ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "Consuming partitions {Partitions} of {Total} ({Members} provisioner instances)")]
    public static partial void PartitionsConsumed(this ILogger logger, string partitions, int total, int members);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Information, Message = "Released partition {Partition}")]
    public static partial void PartitionReleased(this ILogger logger, int partition);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "Releasing partition {Partition} failed: {Error}")]
    public static partial void PartitionReleaseFailed(this ILogger logger, int partition, string error, Exception exception);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Warning, Message = "Publishing the provisioner heartbeat failed: {Error}")]
    public static partial void HeartbeatFailed(this ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Warning, Message = "{What} failed ({Error}); retrying in {Delay}")]
    public static partial void StartupStepFailed(this ILogger logger, string what, string error, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 3030, Level = LogLevel.Warning,
        Message = "Provision request {RequestId}: reading the link failed ({Error}); reporting without the node id.")]
    public static partial void ProvisionLinkReadFailed(this ILogger logger, Guid requestId, string error, Exception exception);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "Provision request {RequestId}: reporting the result failed (HTTP {Status}).")]
    public static partial void ProvisionReportRefused(this ILogger logger, Guid requestId, int? status);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Warning, Message = "Provision request {RequestId}: reporting the result failed ({Error}).")]
    public static partial void ProvisionReportFailed(this ILogger logger, Guid requestId, string error, Exception exception);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Information, Message = "Preview {PreviewId} is gone or planned already ({Status}); nothing to do.")]
    public static partial void PreviewGone(this ILogger logger, Guid previewId, int status);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Information, Message = "Preview {PreviewId}: {Outcome}.")]
    public static partial void PreviewPlanned(this ILogger logger, Guid previewId, string outcome);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Warning, Message = "Could not read the depth of queue {Queue}: {Error}")]
    public static partial void QueueDepthUnreadable(this ILogger logger, string queue, string error, Exception exception);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Debug, Message = "Closing the error-queue monitor's broker connection failed.")]
    public static partial void MonitorConnectionCloseFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3060, Level = LogLevel.Warning,
        Message = "Config service unreachable ({Error}); working on the configuration loaded at {LoadedAt}")]
    public static partial void ConfigServiceUnreachable(this ILogger logger, string error, DateTimeOffset loadedAt, Exception exception);

    [LoggerMessage(EventId = 3070, Level = LogLevel.Information,
        Message = "Retired the older installation's classic queue {Queue}: {Moved} waiting message(s) moved to {Target}.")]
    public static partial void ClassicQueueRetired(this ILogger logger, string queue, int moved, string target);

    [LoggerMessage(EventId = 3071, Level = LogLevel.Warning,
        Message = "Could not retire the older installation's classic queue {Queue} ({Error}); nothing in it is lost, it is tried again at the next start.")]
    public static partial void ClassicQueueRetirementFailed(this ILogger logger, string queue, string error, Exception exception);

    [LoggerMessage(EventId = 3072, Level = LogLevel.Information,
        Message = "Receiving a message on {Queue} was cancelled ({Reason}); it was not acknowledged, so the broker delivers it again.")]
    public static partial void ReceiveInterrupted(this ILogger logger, string queue, string reason);
}
