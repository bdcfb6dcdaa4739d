using System.Collections.Concurrent;
using System.Reflection;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>
/// The config API as the reporter sees it: records sync-log writes, refuses anything else. A proxy rather than a
/// class, so that endpoints added to <see cref="IConfigApi"/> later do not break this test.
/// </summary>
public class SyncLogRecorder : DispatchProxy
{
    public ConcurrentQueue<NewSyncLogEntry> Entries { get; } = new();

    public bool Failing { get; set; }

    public int Attempts { get; private set; }

    public static SyncLogRecorder Create() => (SyncLogRecorder)(object)Create<IConfigApi, SyncLogRecorder>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod?.Name != nameof(IConfigApi.AddSyncLogAsync))
        {
            throw new NotSupportedException($"The reporter must not call {targetMethod?.Name}.");
        }
        Attempts++;
        if (Failing)
        {
            return Task.FromException(new HttpRequestException("config service down"));
        }
        Entries.Enqueue((NewSyncLogEntry)args![0]!);
        return Task.CompletedTask;
    }
}
