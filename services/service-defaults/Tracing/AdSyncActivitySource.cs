using System.Diagnostics;

namespace RescueAdSync.ServiceDefaults.Tracing;

/// <summary>
/// The spans of our own: the reader's cycle and each publish in it, the provisioner's handling of one message. With
/// tracing off nothing listens, and <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null at
/// the cost of one check.
/// </summary>
public static class AdSyncActivitySource
{
    public const string Name = "RescueAdSync";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>The trace the current code runs in, as 32 lowercase hex digits; null when no trace is recorded.</summary>
    public static string? CurrentTraceId() =>
        Activity.Current is { } activity && activity.TraceId != default ? activity.TraceId.ToHexString() : null;
}
