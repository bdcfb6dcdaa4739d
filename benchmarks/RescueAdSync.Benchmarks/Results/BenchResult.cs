namespace RescueAdSync.Benchmarks.Results;

/// <summary>
/// One measured figure and, when the scenario has one, the baseline measured in the same run. Ratio is always
/// value ÷ baseline, so it reads with the unit: for a time above 1 is slower than the baseline, for a rate
/// (messages/s, users/s) below 1 is slower.
/// </summary>
public sealed record BenchResult(
    string Scenario,
    string Name,
    double Value,
    string Unit,
    string? Baseline = null,
    double? BaselineValue = null,
    string? Target = null,
    bool? TargetMet = null,
    string? Notes = null)
{
    /// <summary>Value ÷ baseline when both exist and the baseline is not zero.</summary>
    public double? Ratio => BaselineValue is { } b && b != 0 ? Value / b : null;
}
