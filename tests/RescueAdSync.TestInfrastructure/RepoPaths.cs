namespace RescueAdSync.TestInfrastructure;

/// <summary>Paths inside the repository, found from where the test assembly runs.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder that holds RescueAdSync.slnx.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The build configuration of the running test assembly (Debug, Release, …).</summary>
    public static string Configuration { get; } = FindConfiguration();

    /// <summary><c>services/&lt;folder&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;assembly&gt;.dll</c>, built like the tests.</summary>
    public static string ServiceDll(string serviceFolder, string assemblyName) =>
        Path.Combine(Root, "services", serviceFolder, "bin", Configuration, "net10.0", assemblyName + ".dll");

    internal static string Script(string name) => Path.Combine(Root, "deploy", "local", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RescueAdSync.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No RescueAdSync.slnx above {AppContext.BaseDirectory}.");
    }

    // The tests run from …/bin/<Configuration>/<tfm>/: take the configuration from that path, so a
    // Release test run starts the Release build of the services.
    private static string FindConfiguration()
    {
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        if (tfmDir.Parent is { } configDir && configDir.Parent is { Name: "bin" })
        {
            return configDir.Name;
        }
#if DEBUG
        return "Debug";
#else
        return "Release";
#endif
    }
}
