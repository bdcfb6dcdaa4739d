using System.Text.RegularExpressions;
using System.Xml.Linq;
using RescueAdSync.Deployment.Tests.Infrastructure;

namespace RescueAdSync.Deployment.Tests;

/// <summary>
/// The Dockerfiles follow dotnet-docker's pattern (multi-stage, restore as its own layer, publish --no-restore, a
/// self-contained app on a chiseled runtime-deps base, non-root, port 8080, a health check without a shell). These are
/// rules on the text; deploy/containers/e2e.sh builds and runs the images.
/// </summary>
public sealed partial class DockerfileTests
{
    public static readonly TheoryData<string> Services = new() { "config", "ad-reader", "provisioner", "rescue-emulator" };

    [Theory]
    [MemberData(nameof(Services))]
    public void Base_images_are_build_arguments_defaulting_to_the_dotnet_10_sdk_and_the_chiseled_runtime_deps(string service)
    {
        var lines = Lines(service);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^ARG SDK_IMAGE=mcr\.microsoft\.com/dotnet/sdk:10\.0(-noble)?$"));
        // InvariantGlobalization (Directory.Build.props): no ICU, so the plain chiseled image, not its -extra variant.
        Assert.Contains("ARG RUNTIME_BASE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled", lines);
        var from = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal("FROM ${SDK_IMAGE} AS build", from[0]);
        Assert.Equal("FROM ${RUNTIME_BASE} AS final", from[^1]);
        Assert.All(from, l => Assert.Matches(@"^FROM \$\{[A-Z_]+\} AS \w+$", l));
        Assert.Contains(RuntimeStage(service), l => l.StartsWith("COPY --from=build /app ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Final_stage_runs_nothing_so_it_needs_no_shell_or_package_manager(string service)
    {
        var runtime = RuntimeStage(service);
        Assert.DoesNotContain(runtime, l => l.StartsWith("RUN ", StringComparison.Ordinal));
        Assert.DoesNotContain(runtime, l => l.Contains("bash", StringComparison.Ordinal) || l.Contains("/bin/sh", StringComparison.Ordinal));
        Assert.All(runtime.Where(l => l.StartsWith("CMD", StringComparison.Ordinal) || l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)),
            l => Assert.Contains("[\"", l));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Restore_is_its_own_layer_with_every_project_the_service_references(string service)
    {
        var lines = Lines(service);
        var restore = lines.FindIndex(l => l.StartsWith("RUN ", StringComparison.Ordinal) && l.Contains(" dotnet restore "));
        Assert.True(restore > 0, "no `RUN dotnet restore` line");
        var beforeRestore = lines.Take(restore).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)).ToList();

        Assert.Contains(beforeRestore, l => l.Contains("global.json") && l.Contains("Directory.Build.props") && l.Contains("Directory.Build.targets")
            && l.Contains("Directory.Packages.props"));
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
    public void Publish_is_self_contained_ReadyToRun_without_restoring_again_and_the_entrypoint_is_the_apphost(string service)
    {
        var lines = Lines(service);
        var publish = Assert.Single(lines, l => l.StartsWith("RUN ", StringComparison.Ordinal) && l.Contains(" dotnet publish "));
        foreach (var option in new[] { "--no-restore", "-c Release", "-r linux-x64", "--self-contained", "-p:PublishReadyToRun=true", "-o /app" })
        {
            Assert.Contains(option, publish);
        }

        // The restore resolves the same runtime packs the publish uses.
        Assert.Contains(lines, l => l.Contains(" dotnet restore ") && l.Contains("-r linux-x64") && l.Contains("-p:PublishReadyToRun=true"));
        Assert.Contains($"ENTRYPOINT [\"/app/{Assembly(service)}\"]", lines);
    }

    /// <summary>
    /// What keeps each image within 120 MB (docs/operations.md, "Images"): the framework trimmed (partial mode only),
    /// no debug symbols, and the repository's Directory.Build.targets in the build context, which holds the rest.
    /// </summary>
    [Theory]
    [MemberData(nameof(Services))]
    public void Publish_trims_the_framework_only_without_symbols_with_the_repository_publish_settings(string service)
    {
        var lines = Lines(service);
        var publish = Assert.Single(lines, l => l.StartsWith("RUN ", StringComparison.Ordinal) && l.Contains(" dotnet publish "));
        foreach (var option in new[] { "-p:PublishTrimmed=true", "-p:TrimMode=partial", "-p:DebugType=none" })
        {
            Assert.Contains(option, publish);
        }

        Assert.DoesNotContain("TrimMode=full", publish);
        Assert.DoesNotContain("SuppressTrimAnalysisWarnings", publish);
        Assert.DoesNotContain("NoWarn", publish);
        // Trimming needs the ILLink package: the separate restore must ask for it, or `publish --no-restore` fails.
        Assert.Contains(lines, l => l.Contains(" dotnet restore ") && l.Contains("-p:PublishTrimmed=true"));
        var restore = lines.FindIndex(l => l.StartsWith("RUN ", StringComparison.Ordinal) && l.Contains(" dotnet restore "));
        Assert.Contains(lines.Take(restore), l => l.StartsWith("COPY ", StringComparison.Ordinal) && l.Contains(" Directory.Build.targets "));
    }

    /// <summary>
    /// Directory.Build.targets holds the trimmed publish's settings. Losing one of them either grows the images again
    /// (ReadyToRun of the NuGet libraries, unused native libraries, satellite assemblies) or breaks the services at run
    /// time (reflection-based JSON is off by default in a trimmed app), and only these two trim warnings may be
    /// demoted, never all of them.
    /// </summary>
    [Fact]
    public void The_trimmed_publish_keeps_reflection_json_drops_what_containers_never_load_and_demotes_only_two_trim_warnings()
    {
        var targets = XDocument.Parse(Repository.Read("Directory.Build.targets"));
        var trimmed = targets.Root!.Elements("PropertyGroup")
            .Single(g => g.Attribute("Condition")?.Value == "'$(PublishTrimmed)' == 'true'");
        string Property(string name) => trimmed.Element(name)?.Value ?? "";

        Assert.Equal("partial", Property("TrimMode"));
        Assert.Equal("true", Property("JsonSerializerIsReflectionEnabledByDefault"));
        Assert.Equal("en", Property("SatelliteResourceLanguages"));
        Assert.Equal("$(WarningsNotAsErrors);IL2026;IL2104", Property("WarningsNotAsErrors"));
        Assert.DoesNotContain(targets.Descendants(), e => e.Name.LocalName is "NoWarn" or "SuppressTrimAnalysisWarnings" or "ILLinkTreatWarningsAsErrors");

        // Full trimming is refused, not silently accepted.
        Assert.Contains(targets.Root.Elements("Target"), t => t.Attribute("Name")?.Value == "RejectFullTrimming"
            && t.Element("Error") is not null && t.Attribute("BeforeTargets")?.Value == "PrepareForPublish");

        // ReadyToRun leaves the NuGet libraries as IL.
        var readyToRun = targets.Root.Elements("Target").Single(t => t.Attribute("Name")?.Value == "LimitReadyToRunToTheStartupPath");
        Assert.Equal("_PrepareForReadyToRunCompilation", readyToRun.Attribute("BeforeTargets")?.Value);
        Assert.Contains(readyToRun.Descendants("PublishReadyToRunExclude"), e => e.Attribute("Condition")!.Value.Contains("'%(PackageId)' != ''"));

        // The runtime pack's native libraries a container never loads are not published.
        var natives = targets.Root.Elements("Target").Single(t => t.Attribute("Name")?.Value == "RemoveUnusedRuntimeNatives");
        foreach (var library in new[] { "libmscordbi.so", "libclrgc.so", "libclrgcexp.so", "libcoreclrtraceptprovider.so" })
        {
            Assert.Contains($";{library};", natives.Descendants("_UnusedRuntimeNatives").Single().Value);
        }

        Assert.Contains(natives.Descendants("ResolvedFileToPublish"), e => e.Attribute("Remove") is not null);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Runtime_runs_as_the_non_root_app_user_on_port_8080_and_the_health_check_is_the_service_binary(string service)
    {
        var runtime = RuntimeStage(service);
        Assert.Equal("USER $APP_UID", runtime.Last(l => l.StartsWith("USER ", StringComparison.Ordinal)));
        Assert.Contains("EXPOSE 8080", runtime);
        Assert.Contains(runtime, l => l.Contains("ASPNETCORE_HTTP_PORTS=8080"));
        var health = Assert.Single(runtime, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.EndsWith($"CMD [\"/app/{Assembly(service)}\", \"--health\"]", health);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Console_logs_are_json_with_a_utc_timestamp_by_default(string service)
    {
        var env = string.Join('\n', RuntimeStage(service).Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)));
        Assert.Contains("Logging__Console__FormatterName=json", env);
        Assert.Matches(@"Logging__Console__FormatterOptions__TimestampFormat=""yyyy-MM-dd'T'HH:mm:ss", env);
        Assert.Contains("Logging__Console__FormatterOptions__UseUtcTimestamp=true", env);
    }

    /// <summary>
    /// System.DirectoryServices.Protocols loads libldap at run time; chiseled images have neither it nor apt. Every
    /// service that references the package itself (the ad-reader reads the directory, config resolves group names and
    /// runs the preflight) copies libldap (and the SASL GSSAPI plugin Kerberos binds need) from a stage that installs it; the others do not carry it. The shared
    /// connection code in service-defaults compiles against the package, but only these services call it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Services))]
    public void Services_that_use_System_DirectoryServices_Protocols_get_libldap_in_their_image(string service)
    {
        var usesLdap = XDocument.Load(ProjectFile(service)).Descendants("PackageReference")
            .Any(r => r.Attribute("Include")?.Value == "System.DirectoryServices.Protocols");
        var lines = Lines(service);
        var copies = RuntimeStage(service).Any(l => l.StartsWith("COPY --from=native /native/ /", StringComparison.Ordinal));
        Assert.Equal(usesLdap, copies);
        if (usesLdap)
        {
            var native = lines.SkipWhile(l => !l.StartsWith("FROM ${NATIVE_LIBS_IMAGE} AS native", StringComparison.Ordinal)).Skip(1)
                .TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
            Assert.Contains(native, l => Regex.IsMatch(l, @"apt-get install[^\n]*libldap2") && Regex.IsMatch(l, @"apt-get install[^\n]*libldap-2\.5-0"));
            Assert.Contains(native, l => l.Contains("/native"));
            // Kerberos binds: Cyrus SASL's GSSAPI plugin (and MIT Kerberos's libraries it links) go into the image too.
            Assert.Contains(native, l => Regex.IsMatch(l, @"apt-get install[^\n]*libsasl2-modules-gssapi-mit"));
            Assert.Contains(native, l => l.Contains("sasl2/libgssapiv2.so.2", StringComparison.Ordinal));
            // libsasl2 loads only plugin files whose names end in .so: the copy must be named so.
            Assert.Contains(native, l => l.Contains("/libgssapiv2.so\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l == "ARG NATIVE_LIBS_IMAGE=ubuntu:24.04");
        }
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

    private static string Assembly(string service) =>
        XDocument.Load(ProjectFile(service)).Descendants("AssemblyName").Single().Value;

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
        Lines(service).SkipWhile(l => !l.StartsWith("FROM ${RUNTIME_BASE} ", StringComparison.Ordinal)).ToList();

    [GeneratedRegex(@"\\\r?\n\s*")]
    private static partial Regex ContinuationRegex();
}
