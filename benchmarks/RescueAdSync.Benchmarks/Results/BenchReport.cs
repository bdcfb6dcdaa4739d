using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RescueAdSync.Benchmarks.Results;

/// <summary>The whole run: machine, command line, every scenario. Written as JSON and printed as a table.</summary>
public sealed record BenchReport(DateTimeOffset StartedAt, MachineInfo Machine, string CommandLine, bool Quick, IReadOnlyList<ScenarioRun> Scenarios)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>A Markdown table, so the same text goes to the console and into docs/performance.md.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | figure | value | baseline | ratio | target | met | load (1/5/15 min) |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var run in Scenarios)
        {
            var load = $"{run.LoadBefore} → {run.LoadAfter}";
            if (run.Error is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {run.Scenario} | **failed**: {Escape(run.Error)} | | | | | | {load} |");
            }

            foreach (var r in run.Results)
            {
                var baseline = r.BaselineValue is { } b ? $"{Format(b)} {r.Unit} ({r.Baseline})" : "";
                var ratio = r.Ratio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "";
                var met = r.TargetMet switch { true => "yes", false => "**no**", null => "" };
                var notes = r.Notes is null ? "" : $" — {r.Notes}";
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Scenario} | {Escape(r.Name + notes)} | {Format(r.Value)} {r.Unit} | {Escape(baseline)} | {ratio} | {Escape(r.Target ?? "")} | {met} | {load} |");
            }
        }
        return text.ToString();
    }

    private static string Format(double value) => value switch
    {
        >= 1000 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.000", CultureInfo.InvariantCulture),
    };

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
