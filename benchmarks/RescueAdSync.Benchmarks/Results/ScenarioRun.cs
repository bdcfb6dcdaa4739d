namespace RescueAdSync.Benchmarks.Results;

/// <summary>One scenario as it ran: its figures, the load average around it, and why it failed if it did.</summary>
public sealed record ScenarioRun(string Scenario, string LoadBefore, string LoadAfter, double Seconds, IReadOnlyList<BenchResult> Results, string? Error);
