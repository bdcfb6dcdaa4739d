using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Reader;

public sealed class SyncLogReporterLogTests
{
    private const string BindPassword = "BindSecret-h6TJ5cV1wQ";
    private static readonly Guid MappingId = Guid.Parse("0b8e5d2a-7c41-4f3e-8d6b-1a2c3e4f5a6b");
    private readonly SyncLogRecorder _log = SyncLogRecorder.Create();
    private readonly RecordingLogger<SyncLogReporter> _logger = new();
    private readonly SyncLogReporter _reporter;

    public SyncLogReporterLogTests() =>
        _reporter = new SyncLogReporter((IConfigApi)(object)_log, Options.Create(new ReaderOptions()), TimeProvider.System, _logger);

    [Fact]
    public async Task A_read_failure_is_logged_as_an_error_with_the_secrets_masked_and_no_exception_attached()
    {
        await _reporter.ReportAsync(MappingId, "read-group", $"server said: bad credentials {BindPassword}", Guid.NewGuid(), [BindPassword],
            CancellationToken.None);

        var error = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Equal(2030, error.EventId.Id);
        Assert.Equal($"Mapping {MappingId}: read-group failed: server said: bad credentials ***", error.Message);
        Assert.Null(error.Exception);
    }

    [Fact]
    public async Task A_report_the_config_service_does_not_take_is_logged_as_a_warning_carrying_the_exception()
    {
        _log.Failing = true;

        await _reporter.ReportAsync(MappingId, "read-group", "the directory server is down", Guid.NewGuid(), [], CancellationToken.None);

        var warning = Assert.Single(_logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(2031, warning.EventId.Id);
        Assert.Equal("Could not write to the sync log: config service down", warning.Message);
        Assert.IsType<HttpRequestException>(warning.Exception);
    }
}
