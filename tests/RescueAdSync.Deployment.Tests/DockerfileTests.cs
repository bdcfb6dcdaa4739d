using System.Text.RegularExpressions;
using System.Xml.Linq;
using RescueAdSync.Deployment.Tests.Infrastructure;

namespace RescueAdSync.Deployment.Tests;

/// <summary>
/// The Dockerfiles follow dotnet-docker's pattern (multi-stage, restore as its own layer, publish --no-restore,
/// non-root, port 8080, a health check). No Docker engine here, so the rules are checked on the text.
/// </summary>
public sealed partial class DockerfileTests
{
    public static readonly TheoryData<string> Services = new() { "config", "ad-reader", "provisioner", "rescue-emulator" };

    [Theory]
    [MemberData(nameof(Services))]
    public void Dockerfile_is_multi_stage_from_the_dotnet_10_sdk_to_the_aspnet_runtime(string service)
    {
        var from = Lines(service).Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, from.Count);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", from[0]);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0 AS \w+$", from[1]);
        Assert.Contains(Lines(service), l => l.StartsWith("COPY --from=build ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Restore_is_its_own_layer_with_every_project_the_service_references(string service)
    {
        var lines = Lines(service);
        var restore = lines.FindIndex(l => l.StartsWith("RUN dotnet restore ", StringComparison.Ordinal));
        Assert.True(restore > 0, "no `RUN dotnet restore` line");
        var beforeRestore = lines.Take(restore).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)).ToList();

        Assert.Contains(beforeRestore, l => l.Contains("global.json") && l.Contains("Directory.Build.props") && l.Contains("Directory.Packages.props"));
        foreach (var project in ProjectClosure(ProjectFile(service)))
        {
            var relative = Path.GetRelativePath(Repository.Root, project).Replace('\\', '/');
            Assert.Contains(beforeRestore, l => l.StartsWith($"COPY {relative} ", StringComparison.Ordinal));
        }

        // Only project files before the restore, so a source change does not invalidate the restored layer.
        Assert.All(beforeRestore.Where(l => !l.Contains("global.json")), l => Assert.EndsWith("/", l));
        Assert.All(beforeRestore.Where(l => !l.Contains("global.json")), l => Assert.Contains(".csproj ", l));
        Assert.Contains(lines.Skip(restore), l => l.StartsWith($"COPY services/{service}/ services/{service}/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Publish_does_not_restore_again_and_the_entrypoint_is_the_projects_assembly(string service)
    {
        var lines = Lines(service);
        Assert.Contains(lines, l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal) && l.Contains("--no-restore") && l.Contains("-c Release"));
        var assembly = XDocument.Load(ProjectFile(service)).Descendants("AssemblyName").Single().Value;
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]", lines);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Runtime_runs_as_the_non_root_app_user_on_port_8080_with_a_liveness_health_check(string service)
    {
        var runtime = RuntimeStage(service);
        var user = runtime.Last(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.Contains(user, new[] { "USER $APP_UID", "USER app" });
        Assert.Contains("EXPOSE 8080", runtime);
        var health = string.Join('\n', runtime.SkipWhile(l => !l.StartsWith("HEALTHCHECK", StringComparison.Ordinal)).Take(2));
        Assert.Contains("/health/live", health);
        Assert.Contains("8080", health);
    }

    [Fact]
    public void Ad_reader_runtime_installs_libldap_for_System_DirectoryServices_Protocols()
    {
        var install = string.Join('\n', RuntimeStage("ad-reader"));
        Assert.Matches(@"apt-get install[^\n]*libldap", install);
        Assert.Contains("rm -rf /var/lib/apt/lists", install);
    }

    [Fact]
    public void Every_service_with_a_Dockerfile_is_covered_and_the_dockerignore_keeps_build_output_out()
    {
        Assert.Equal(new[] { "ad-reader", "config", "provisioner", "rescue-emulator" }, Repository.ContainerizedServices());
        var ignore = Repository.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("**/bin/", ignore);
        Assert.Contains("**/obj/", ignore);
        Assert.Contains(".env", ignore);
        Assert.Contains(".git/", ignore);
    }

    private static string ProjectFile(string service) =>
        Directory.GetFiles(Repository.PathOf($"services/{service}"), "*.csproj").Single();

    /// <summary>The project and every project it references, transitively.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")!.Value.Replace('\\', '/');
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, include)));
            }
        }

        return seen;
    }

    /// <summary>Logical lines (continuations joined), without comments.</summary>
    private static List<string> Lines(string service)
    {
        var text = Repository.Read($"services/{service}/Dockerfile");
        var joined = ContinuationRegex().Replace(text, " ");
        return joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
    }

    private static List<string> RuntimeStage(string service) =>
        Lines(service).SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToList();

    [GeneratedRegex(@"\\\r?\n\s*")]
    private static partial Regex ContinuationRegex();
}
