using System.Text.RegularExpressions;

namespace RescueAdSync.Deployment.Tests.Infrastructure;

/// <summary>The metric names the services define (Metrics.CreateCounter/Gauge/Histogram/Summary with a literal name).</summary>
public static partial class ServiceMetrics
{
    /// <summary>
    /// Named in the monitoring design and used by the alerts and the dashboard, but not exported by the services yet. Remove a name
    /// here when its service defines it.
    /// </summary>
    public static readonly IReadOnlySet<string> Pending = new HashSet<string>(StringComparer.Ordinal)
    {
    };

    public static IReadOnlySet<string> Defined()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Repository.PathOf("services"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in CreateRegex().Matches(File.ReadAllText(file)))
            {
                names.Add(match.Groups["name"].Value);
            }
        }

        return names;
    }

    /// <summary>adsync_* metric names used in a PromQL text, with histogram suffixes folded to the metric's name.</summary>
    public static IReadOnlySet<string> ReferencedIn(string text) =>
        UseRegex().Matches(text).Select(m => SuffixRegex().Replace(m.Value, "")).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"Metrics\.Create(?:Counter|Gauge|Histogram|Summary)\(\s*""(?<name>[a-z_:][a-z0-9_:]*)""")]
    private static partial Regex CreateRegex();

    [GeneratedRegex(@"\badsync_[a-z0-9_]+")]
    private static partial Regex UseRegex();

    [GeneratedRegex(@"_(bucket|count|sum)$")]
    private static partial Regex SuffixRegex();
}
