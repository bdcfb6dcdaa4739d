using Microsoft.Extensions.Logging;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.UnitTests.Reader;

namespace RescueAdSync.UnitTests.ServiceDefaults;

public sealed class SyncLogWriterLogTests
{
    private static readonly Guid MappingId = Guid.Parse("6f1c0d7e-2b9a-4c55-9a43-0e6f3a1d2b7c");

    [Fact]
    public async Task A_sync_log_entry_is_also_logged_at_its_own_level_with_its_fields()
    {
        var recorder = SyncLogRecorder.Create();
        var logger = new RecordingLogger<SyncLogWriter>();
        var writer = new SyncLogWriter((IConfigApi)(object)recorder, logger);

        await writer.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "createUser", "Rescue refused the mail", MappingId, "u-1",
            "INVALIDPARAM_EMAIL", WillRetry: false));

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal(4000, entry.EventId.Id);
        Assert.Equal($"createUser u-1 {MappingId}: Rescue refused the mail (INVALIDPARAM_EMAIL, will retry: False)", entry.Message);
    }

    [Fact]
    public async Task A_sync_log_entry_the_config_service_does_not_take_is_logged_as_a_warning_carrying_the_exception()
    {
        var recorder = SyncLogRecorder.Create();
        recorder.Failing = true;
        var logger = new RecordingLogger<SyncLogWriter>();
        var writer = new SyncLogWriter((IConfigApi)(object)recorder, logger);

        await writer.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Info, "provisioner", "createUser", "created"));

        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(4001, warning.EventId.Id);
        Assert.Equal("Could not write the sync-log entry to the config service: config service down", warning.Message);
        Assert.IsType<HttpRequestException>(warning.Exception);
    }
}
