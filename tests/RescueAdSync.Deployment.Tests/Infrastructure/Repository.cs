namespace RescueAdSync.Deployment.Tests.Infrastructure;

/// <summary>Paths inside the repository, found from the test assembly's folder upwards.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>The service folders under services/ that have a Dockerfile.</summary>
    public static IReadOnlyList<string> ContainerizedServices() =>
        Directory.GetDirectories(PathOf("services"))
            .Where(d => File.Exists(Path.Combine(d, "Dockerfile")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RescueAdSync.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"RescueAdSync.slnx not found above {AppContext.BaseDirectory}.");
    }
}
