namespace RescueAdSync.AdReader;

/// <summary>
/// Every log line the reader writes, source-generated: event ids 2000-2999 are this service's, and a caught exception goes
/// in the exception field of the entry rather than its text.
/// </summary>
internal static partial class ReaderLog
{
    // The cycle (2000-2019).
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information,
        Message = "Mapping {MappingId}: {Mode} read{Reason}, published {Count} changes (correlation {CorrelationId}).")]
    public static partial void MappingRead(this ILogger logger, Guid mappingId, string mode, string reason, int count, Guid correlationId);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "Mapping {MappingId}: the directory cannot tell which users were deleted since the mark; reading the group in full.")]
    public static partial void DeletionsUnknown(this ILogger logger, Guid mappingId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Mapping {MappingId}: skipped member {Dn}: {Reason}")]
    public static partial void MemberSkipped(this ILogger logger, Guid mappingId, string dn, string? reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Reader cycle abandoned: leadership of lease {LeaseName} ended.")]
    public static partial void CycleAbandoned(this ILogger logger, string leaseName);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Reader cycle failed unexpectedly.")]
    public static partial void CycleFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information,
        Message = "DirSync was refused for {BindDn} on {Server} (the account needs 'Replicating Directory Changes'); polling uSNChanged instead.")]
    public static partial void DirSyncRefused(this ILogger logger, string bindDn, string server);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Debug,
        Message = "Change notifications unavailable ({Error}); the poll interval alone starts cycles.")]
    public static partial void ChangeNotificationsUnavailable(this ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning,
        Message = "The broker refused a publish; restarting the bus so the next poll publishes over a new connection and channel.")]
    public static partial void RenewingBrokerConnection(this ILogger logger);

    // Configuration (2020-2029).
    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Configuration changed ({Resource} {Name}); refreshing now.")]
    public static partial void ConfigurationChanged(this ILogger logger, string resource, string? name);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Warning,
        Message = "The config service did not answer for directory connection '{Directory}' ({Error}); {Fallback}.")]
    public static partial void ConfigServiceUnanswered(this ILogger logger, string directory, string error, string fallback, Exception exception);

    // The sync log (2030-2039).
    [LoggerMessage(EventId = 2030, Level = LogLevel.Error, Message = "Mapping {MappingId}: {Operation} failed: {Message}")]
    public static partial void MappingFailed(this ILogger logger, Guid mappingId, string operation, string message);

    [LoggerMessage(EventId = 2031, Level = LogLevel.Warning, Message = "Could not write to the sync log: {Error}")]
    public static partial void SyncLogNotWritten(this ILogger logger, string error, Exception exception);

    // Previews (2040-2049).
    [LoggerMessage(EventId = 2040, Level = LogLevel.Warning, Message = "Preview {PreviewId}: mapping {MappingId} not read this cycle ({Error}).")]
    public static partial void PreviewNotRead(this ILogger logger, Guid previewId, Guid mappingId, string error, Exception exception);

    [LoggerMessage(EventId = 2041, Level = LogLevel.Warning,
        Message = "Pending previews could not be read from the config service ({Error}); trying again next cycle.")]
    public static partial void PendingPreviewsUnreadable(this ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 2042, Level = LogLevel.Warning,
        Message = "Preview {PreviewId}: storing the read of mapping {MappingId} failed (HTTP {Status}); reading again next cycle.")]
    public static partial void PreviewReadRefused(this ILogger logger, Guid previewId, Guid mappingId, int? status);

    [LoggerMessage(EventId = 2043, Level = LogLevel.Information,
        Message = "Preview {PreviewId}: mapping {MappingId} read, {Changes} changes, {Unchanged} unchanged{Error}.")]
    public static partial void PreviewRead(this ILogger logger, Guid previewId, Guid mappingId, int changes, int unchanged, string error);

    [LoggerMessage(EventId = 2044, Level = LogLevel.Warning, Message = "Preview {PreviewId}: mapping {MappingId} not stored this cycle ({Error}).")]
    public static partial void PreviewNotStored(this ILogger logger, Guid previewId, Guid mappingId, string error, Exception exception);

    // The mass-change guard (2050-2059).
    [LoggerMessage(EventId = 2050, Level = LogLevel.Information, Message = "Mapping {MappingId}: skipped, plan {PlanId} is held for an operator.")]
    public static partial void PlanHeld(this ILogger logger, Guid mappingId, Guid? planId);

    [LoggerMessage(EventId = 2051, Level = LogLevel.Warning,
        Message = "Mapping {MappingId}: plan {PlanId} approved by an operator, publishing {Count} changes without the mass-change guard.")]
    public static partial void PlanApproved(this ILogger logger, Guid mappingId, Guid? planId, int count);

    [LoggerMessage(EventId = 2052, Level = LogLevel.Warning, Message = "Mapping {MappingId}: mass-change guard holds the cycle: {Reason}")]
    public static partial void GuardHolds(this ILogger logger, Guid mappingId, string? reason);

    [LoggerMessage(EventId = 2053, Level = LogLevel.Error,
        Message = "Mapping {MappingId}: storing the held plan failed (HTTP {Status}); nothing is published, the next cycle tries again.")]
    public static partial void HeldPlanRefused(this ILogger logger, Guid mappingId, int? status);

    [LoggerMessage(EventId = 2054, Level = LogLevel.Error,
        Message = "Mapping {MappingId}: storing the held plan failed ({Error}); nothing is published, the next cycle tries again.")]
    public static partial void HeldPlanFailed(this ILogger logger, Guid mappingId, string error, Exception exception);

    [LoggerMessage(EventId = 2055, Level = LogLevel.Information, Message = "Mapping {MappingId}: approved plan {PlanId} applied.")]
    public static partial void ApprovedPlanApplied(this ILogger logger, Guid mappingId, Guid planId);

    [LoggerMessage(EventId = 2056, Level = LogLevel.Warning,
        Message = "Mapping {MappingId}: marking plan {PlanId} applied failed (HTTP {Status}); tried again after the next cycle.")]
    public static partial void PlanAppliedRefused(this ILogger logger, Guid mappingId, Guid planId, int? status);

    [LoggerMessage(EventId = 2057, Level = LogLevel.Warning,
        Message = "Mapping {MappingId}: marking plan {PlanId} applied failed ({Error}); tried again after the next cycle.")]
    public static partial void PlanAppliedFailed(this ILogger logger, Guid mappingId, Guid planId, string error, Exception exception);

    // Provision requests and full resyncs (2060-2069).
    [LoggerMessage(EventId = 2060, Level = LogLevel.Warning, Message = "Mapping {MappingId}: provision request {RequestId} failed: {Reason}")]
    public static partial void ProvisionRequestFailed(this ILogger logger, Guid mappingId, Guid requestId, string reason);

    [LoggerMessage(EventId = 2061, Level = LogLevel.Information,
        Message = "Mapping {MappingId}: provision request {RequestId}: published {DirectoryUserId} (forced).")]
    public static partial void ProvisionRequestPublished(this ILogger logger, Guid mappingId, Guid requestId, string directoryUserId);

    [LoggerMessage(EventId = 2062, Level = LogLevel.Warning,
        Message = "Mapping {MappingId}: provision request {RequestId} not done this cycle ({Error}); trying again next cycle.")]
    public static partial void ProvisionRequestNotDone(this ILogger logger, Guid mappingId, Guid requestId, string error, Exception exception);

    [LoggerMessage(EventId = 2063, Level = LogLevel.Information, Message = "Mapping {MappingId}: full resync {RequestId} done, {Count} states republished.")]
    public static partial void ResyncDone(this ILogger logger, Guid mappingId, Guid requestId, int count);

    [LoggerMessage(EventId = 2064, Level = LogLevel.Warning,
        Message = "Mapping {MappingId}: reporting resync {RequestId} done failed (HTTP {Status}); it runs again next cycle.")]
    public static partial void ResyncReportRefused(this ILogger logger, Guid mappingId, Guid requestId, int? status);

    [LoggerMessage(EventId = 2065, Level = LogLevel.Warning,
        Message = "Mapping {MappingId}: reporting resync {RequestId} done failed ({Error}); it runs again next cycle.")]
    public static partial void ResyncReportFailed(this ILogger logger, Guid mappingId, Guid requestId, string error, Exception exception);

    // Leadership (2070-2079).
    [LoggerMessage(EventId = 2070, Level = LogLevel.Warning, Message = "Lease {LeaseName} could not be renewed by {Holder} (leader: {IsLeader}): {Error}")]
    public static partial void LeaseNotRenewed(this ILogger logger, string leaseName, string holder, bool isLeader, string error, Exception exception);

    [LoggerMessage(EventId = 2071, Level = LogLevel.Information, Message = "Reader {Holder} became leader of lease {LeaseName}; it reads and publishes now.")]
    public static partial void BecameLeader(this ILogger logger, string holder, string leaseName);

    [LoggerMessage(EventId = 2072, Level = LogLevel.Warning, Message = "Lease {LeaseName} could not be released by {Holder}: {Error}")]
    public static partial void LeaseNotReleased(this ILogger logger, string leaseName, string holder, string error, Exception exception);

    [LoggerMessage(EventId = 2073, Level = LogLevel.Warning, Message = "Reader {Holder} lost lease {LeaseName} ({Reason}); it stopped reading and follows now.")]
    public static partial void LostLeadership(this ILogger logger, string holder, string leaseName, string reason);

    [LoggerMessage(EventId = 2074, Level = LogLevel.Information,
        Message = "Took over Kubernetes lease {Namespace}/{LeaseName} from {Previous} (not renewed for {Duration} s).")]
    public static partial void KubernetesLeaseTakenOver(this ILogger logger, string @namespace, string leaseName, string previous, int duration);

    // The directory connection (2080-2089).
    [LoggerMessage(EventId = 2080, Level = LogLevel.Warning,
        Message = "allowInsecureTls is set on the directory connection: directory server certificates are NOT verified. Anyone on the path can read the bind password.")]
    public static partial void InsecureTls(this ILogger logger);

    [LoggerMessage(EventId = 2081, Level = LogLevel.Warning,
        Message = "Bind to {Url} as {BindDn} failed: {Reason}; trying this server once more in {PauseMs} ms")]
    public static partial void BindFailedRetrying(this ILogger logger, string url, string bindDn, string reason, int pauseMs, Exception exception);

    [LoggerMessage(EventId = 2082, Level = LogLevel.Warning, Message = "Bind to {Url} as {BindDn} failed: {Reason}")]
    public static partial void BindFailed(this ILogger logger, string url, string bindDn, string reason, Exception exception);
}
