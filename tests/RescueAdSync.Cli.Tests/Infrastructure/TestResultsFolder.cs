using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Cli.Tests.Infrastructure;

/// <summary>Where the tests leave artifacts for people (screenshots): $ADSYNC_TEST_RESULTS, else this project's TestResults/.</summary>
public static class TestResultsFolder
{
    public static string Get(string subfolder)
    {
        var root = Environment.GetEnvironmentVariable("ADSYNC_TEST_RESULTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepoPaths.Root, "tests", "RescueAdSync.Cli.Tests", "TestResults");
        var folder = Path.Combine(root, subfolder);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
