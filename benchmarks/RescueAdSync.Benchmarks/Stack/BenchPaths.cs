using System.Globalization;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Benchmarks.Stack;

/// <summary>
/// Where the benchmark keeps run dirs: under ADSYNC_RUN_ROOT like the test servers (bench.sh points it at
/// /tmp/adsync/bench-&lt;pid&gt;), so deploy/local/cleanup.sh finds anything a killed run left behind.
/// </summary>
public static class BenchPaths
{
    private static int _counter;

    public static string RunRoot =>
        Environment.GetEnvironmentVariable("ADSYNC_RUN_ROOT") is { Length: > 0 } root ? root : "/tmp/adsync";

    public static string NewRunDir(string name)
    {
        var dir = Path.Combine(RunRoot, string.Create(CultureInfo.InvariantCulture,
            $"bench-{Environment.ProcessId}-{name}-{Interlocked.Increment(ref _counter)}"));
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string Script(string name) => Path.Combine(RepoPaths.Root, "deploy", "local", name);
}
