using System.Globalization;

namespace RescueAdSync.Benchmarks.Stack;

/// <summary>Reads samples out of a Prometheus text exposition (what each service's /metrics answers).</summary>
public static class PrometheusText
{
    /// <summary>Sum of every sample of <paramref name="metric"/> (all label sets) whose labels contain <paramref name="labelFilter"/>, or 0.</summary>
    public static double Sum(string text, string metric, string? labelFilter = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        double sum = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal))
                continue;
            var rest = line[metric.Length..];
            string labels;
            if (rest.StartsWith('{'))
            {
                var close = rest.IndexOf('}', StringComparison.Ordinal);
                labels = rest[..(close + 1)];
                rest = rest[(close + 1)..];
            }
            else if (rest.StartsWith(' '))
            {
                labels = "";
            }
            else
            {
                continue; // a longer name with the same prefix (…_sum vs …_sum_total)
            }
            if (labelFilter is not null && !labels.Contains(labelFilter, StringComparison.Ordinal))
                continue;
            var value = rest.Trim().Split(' ')[0];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                sum += parsed;
        }
        return sum;
    }
}
