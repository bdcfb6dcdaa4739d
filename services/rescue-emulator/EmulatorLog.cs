namespace RescueAdSync.RescueEmulator;

/// <summary>The emulator's log lines, source-generated: event ids 5000-5999.</summary>
internal static partial class EmulatorLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information,
        Message = "Seeded organization {Organization} with {Groups} groups and {Technicians} technicians from {SeedFile}")]
    public static partial void Seeded(this ILogger logger, string? organization, int groups, int technicians, string seedFile);
}
