using System.Text.Json;
using RescueAdSync.Benchmarks.Results;

namespace RescueAdSync.UnitTests.Benchmarks;

public sealed class BenchReportTests
{
    private static BenchReport Report() => new(
        DateTimeOffset.UnixEpoch,
        new MachineInfo("Linux", "CPU", 2, 24000, ".NET 10", "1.00 1.00 1.00"),
        "deploy/local/bench.sh --quick",
        Quick: true,
        [
            new ScenarioRun("1 read", "1.00 1.00 1.00", "2.00 1.00 1.00", 12.5,
                [new BenchResult("1 read", "read alone", 1.5, "s", "ldapsearch", 0.5, "≤ 3×", true)], Error: null),
            new ScenarioRun("3 latency", "1.00 1.00 1.00", "1.00 1.00 1.00", 1, [], "timed out"),
        ]);

    [Fact]
    public void Json_has_the_machine_each_scenario_with_its_load_and_each_figure_with_its_ratio()
    {
        using var json = JsonDocument.Parse(Report().ToJson());
        var root = json.RootElement;

        Assert.Equal(2, root.GetProperty("machine").GetProperty("cores").GetInt32());
        var scenarios = root.GetProperty("scenarios");
        Assert.Equal("2.00 1.00 1.00", scenarios[0].GetProperty("loadAfter").GetString());
        var figure = scenarios[0].GetProperty("results")[0];
        Assert.Equal(3.0, figure.GetProperty("ratio").GetDouble(), precision: 9);
        Assert.True(figure.GetProperty("targetMet").GetBoolean());
        Assert.Equal("timed out", scenarios[1].GetProperty("error").GetString());
    }

    [Fact]
    public void Table_marks_a_missed_target_and_a_failed_scenario()
    {
        var report = Report() with
        {
            Scenarios = [new ScenarioRun("5 publish", "1", "1", 1, [new BenchResult("5 publish", "rate", 100, "msg/s", "client", 1000, "≥ 0.5×", false)], null),
                new ScenarioRun("3 latency", "1", "1", 1, [], "timed out")],
        };

        var table = report.ToTable();

        Assert.Contains("| 0.10× | ≥ 0.5× | **no** |", table, StringComparison.Ordinal);
        Assert.Contains("**failed**: timed out", table, StringComparison.Ordinal);
    }
}
