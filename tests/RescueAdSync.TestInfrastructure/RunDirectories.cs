namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// Where servers keep their data and pid files: <c>${ADSYNC_RUN_ROOT:-/tmp/adsync}/test-&lt;pid&gt;-&lt;name&gt;-&lt;n&gt;</c>,
/// which deploy/local/cleanup.sh searches for servers a crashed test run left behind.
/// </summary>
internal static class RunDirectories
{
    private static int _counter;

    public static string Root =>
        Environment.GetEnvironmentVariable("ADSYNC_RUN_ROOT") is { Length: > 0 } root ? root : "/tmp/adsync";

    public static string Create(string name)
    {
        var dir = Path.Combine(Root, $"test-{Environment.ProcessId}-{name}-{Interlocked.Increment(ref _counter)}");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Removes a run dir after a clean stop, unless ADSYNC_KEEP_RUN_DIRS asks to keep logs.</summary>
    public static void Remove(string dir)
    {
        if (Environment.GetEnvironmentVariable("ADSYNC_KEEP_RUN_DIRS") is { Length: > 0 })
        {
            return;
        }

        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A file a dying server still writes: leave it for cleanup.sh --remove.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
