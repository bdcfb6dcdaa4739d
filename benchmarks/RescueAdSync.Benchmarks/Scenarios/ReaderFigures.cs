namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>The raw figures of one reader run, kept so that sizes can be compared with each other at the end.</summary>
public sealed record ReaderFigures(
    string Label,
    int Users,
    double FirstCycleSeconds,
    double? ReadAloneSeconds,
    double? IdleCycleSeconds,
    double? IdleOperationsPerCycle,
    double? PeakRssMb);
