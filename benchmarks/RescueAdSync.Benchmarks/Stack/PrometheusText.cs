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
            {
                continue;
            }

            var rest = line[metric.Length..];
            string labels;
            if (rest.StartsWith('{'))
            {
                // The last brace: label values can hold braces themselves (route templates like "api/links/{id}").
                var close = rest.LastIndexOf('}');
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
            {
                continue;
            }

            var value = rest.Trim().Split(' ')[0];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                sum += parsed;
            }
        }
        return sum;
    }

    /// <summary>
    /// prometheus-net's HTTP server histogram summed per "METHOD endpoint": calls and mean seconds, largest total first.
    /// Shows where a service spends its time serving the others (the config service serving links and state).
    /// </summary>
    public static IReadOnlyList<(string Route, double Calls, double MeanSeconds)> HttpRoutes(string text)
    {
        var totals = new Dictionary<string, (double Sum, double Count)>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var isSum = line.StartsWith("http_request_duration_seconds_sum{", StringComparison.Ordinal);
            var isCount = line.StartsWith("http_request_duration_seconds_count{", StringComparison.Ordinal);
            if (!isSum && !isCount)
            {
                continue;
            }

            var close = line.LastIndexOf('}');
            var labels = line[(line.IndexOf('{', StringComparison.Ordinal) + 1)..close];
            var route = $"{Label(labels, "method")} {Label(labels, "endpoint")}";
            if (!double.TryParse(line[(close + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var (sum, count) = totals.GetValueOrDefault(route);
            totals[route] = isSum ? (sum + value, count) : (sum, count + value);
        }
        return [.. totals.Where(kv => kv.Value.Count > 0)
            .OrderByDescending(kv => kv.Value.Sum)
            .Select(kv => (kv.Key, kv.Value.Count, kv.Value.Sum / kv.Value.Count))];
    }

    private static string Label(string labels, string name)
    {
        var start = labels.IndexOf(name + "=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        start += name.Length + 2;
        var end = labels.IndexOf('"', start);
        return end < 0 ? labels[start..] : labels[start..end];
    }
}
