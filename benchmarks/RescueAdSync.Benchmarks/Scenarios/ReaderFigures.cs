namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>The raw figures of one reader run, kept so that sizes can be compared with each other at the end.</summary>
public sealed record ReaderFigures(
    string Label,
    int Users,
    double FirstCycleSeconds,
    double? ReadAloneSeconds,
    IdleFigures? Idle,
    double? PeakRssMb);

/// <summary>
/// Idle polls (nothing written to the directory), over windows aligned on poll ends. <see cref="PollSeconds"/> is the
/// whole poll (<c>adsync_reader_poll_duration_seconds</c>: configuration refresh, bind, high-water-mark read, the
/// mapping), the same span as <see cref="OperationsPerPoll"/>; <see cref="MappingSeconds"/> is the mapping's part alone
/// (<c>adsync_reader_cycle_duration_seconds</c>). Means over <see cref="Polls"/> polls, medians and maxima of the
/// single polls beside them.
/// </summary>
public sealed record IdleFigures(
    int Polls,
    double PollSeconds,
    double PollMedianSeconds,
    double PollMaxSeconds,
    double MappingSeconds,
    double MappingMedianSeconds,
    double MappingMaxSeconds,
    double? OperationsPerPoll,
    string? OperationsDetail);
