using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>
/// A <see cref="MappingSynchronizer"/> as the reader builds it, its guard, resync and sync-log reporter talking to
/// recording fakes of the config service instead of the service itself.
/// </summary>
public static class Synchronizers
{
    public static MappingSynchronizer Create(IReaderStateStore store, ReaderOptions? options = null, TimeProvider? time = null,
        SyncLogReporter? syncLog = null, OperationsRecorder? operations = null)
    {
        var readerOptions = Options.Create(options ?? new ReaderOptions());
        var clock = time ?? TimeProvider.System;
        IOperationsApi operationsApi = operations ?? new OperationsRecorder();
        syncLog ??= new SyncLogReporter((IConfigApi)(object)SyncLogRecorder.Create(), readerOptions, clock, NullLogger<SyncLogReporter>.Instance);
        return new MappingSynchronizer(store, readerOptions, clock, NullLogger<MappingSynchronizer>.Instance, syncLog,
            new MassChangeGuard(operationsApi, NullLogger<MassChangeGuard>.Instance), new FullResync(operationsApi, NullLogger<FullResync>.Instance));
    }
}
