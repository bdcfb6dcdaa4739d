namespace RescueAdSync.Benchmarks.Results;

/// <summary>Percentiles of a sample by linear interpolation between closest ranks (the method of numpy's default and Excel's PERCENTILE.INC).</summary>
public static class Percentiles
{
    /// <param name="samples">Any order; not modified.</param>
    /// <param name="percentile">0–100.</param>
    public static double Of(IReadOnlyCollection<double> samples, double percentile)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var sorted = samples.Order().ToArray();
        var rank = percentile / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
    }
}
