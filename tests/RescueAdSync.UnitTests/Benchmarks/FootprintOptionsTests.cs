using RescueAdSync.Benchmarks;
using RescueAdSync.Benchmarks.Stack;

namespace RescueAdSync.UnitTests.Benchmarks;

public sealed class FootprintOptionsTests
{
    [Fact]
    public void Idle_memory_and_startup_are_scenarios_of_their_own()
    {
        var options = BenchOptions.Parse(["--only", "idle-memory,startup", "--idle-users", "500", "--startup-runs", "3"]);

        Assert.Equal(["idle-memory", "startup"], options.Scenarios.Order());
        Assert.Equal(500, options.IdleUsers);
        Assert.Equal(3, options.StartupRuns);
    }

    [Fact]
    public void Service_environment_and_startup_comparison_collect_every_pair()
    {
        var options = BenchOptions.Parse(["--service-env", "DOTNET_GCConserveMemory=9", "--service-env", "DOTNET_TieredCompilation=0",
            "--startup-compare", "DOTNET_EnableWriteXorExecute=0"]);

        Assert.Equal("9", options.ServiceEnvironment["DOTNET_GCConserveMemory"]);
        Assert.Equal("0", options.ServiceEnvironment["DOTNET_TieredCompilation"]);
        Assert.Equal("0", Assert.Single(options.StartupCompare).Value);
    }

    [Theory]
    [InlineData("--startup-runs", "0", "--startup-runs needs a whole number above 0")]
    [InlineData("--idle-users", "many", "--idle-users needs a whole number above 0")]
    [InlineData("--service-env", "DOTNET_GCConserveMemory", "--service-env needs KEY=VALUE")]
    [InlineData("--startup-compare", "=1", "--startup-compare needs KEY=VALUE")]
    [InlineData("--published", "/nonexistent/publish", "is not a directory")]
    public void A_bad_value_is_refused_naming_the_option(string option, string value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => BenchOptions.Parse([option, value]));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_process_memory_breakdown_adds_up_to_its_resident_set()
    {
        // This test process is the one measured, and other tests run in it meanwhile: its RSS may move between the reads
        // of smaps and status. A breakdown taken while it held still is what is checked; ten tries find one.
        var memory = ProcessMemory.Breakdown(Environment.ProcessId);
        for (var attempt = 0; attempt < 10 && memory is not null && !AddsUp(memory); attempt++)
        {
            memory = ProcessMemory.Breakdown(Environment.ProcessId);
        }

        Assert.NotNull(memory);
        Assert.True(memory.RssMb > 10, $"RSS {memory.RssMb} MB");
        Assert.True(memory.PeakRssMb >= memory.RssMb - 1, $"peak {memory.PeakRssMb} MB below RSS {memory.RssMb} MB");
        Assert.Contains(memory.Kinds, k => k.Kind == "assemblies" && k.Mb > 0);
        // smaps (per mapping) and status (one counter) are read a moment apart: they agree within a few MB.
        Assert.InRange(memory.Kinds.Sum(k => k.Mb), memory.RssMb * 0.9, memory.RssMb * 1.1);
    }

    private static bool AddsUp(MemoryBreakdown memory) =>
        memory.Kinds.Sum(k => k.Mb) >= memory.RssMb * 0.9 && memory.Kinds.Sum(k => k.Mb) <= memory.RssMb * 1.1;
}
