using System.Collections.Concurrent;

namespace RescueAdSync.Deployment.Tests.Infrastructure;

/// <summary>
/// Renders k8s/overlays/&lt;name&gt; with `kubectl kustomize` (kustomize v5 built into kubectl), once per test run.
/// </summary>
public static class Overlays
{
    public const string KubectlInstall =
        "the kubectl of the machine image (kustomize v5 built in); elsewhere the Debian/Google Cloud kubectl package or npm's kubectl shim";

    public static readonly TheoryData<string> Names = new() { "dev", "production" };

    private static readonly ConcurrentDictionary<string, Lazy<string>> Rendered = new();

    public static string RenderText(string overlay) => Rendered.GetOrAdd(overlay, name => new Lazy<string>(() =>
    {
        var kubectl = Tool.Require("kubectl", KubectlInstall);
        var result = Tool.Run(kubectl, ["kustomize", Repository.PathOf($"k8s/overlays/{name}")]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize k8s/overlays/{name} failed:\n{result.Output}");
        return result.StandardOutput;
    })).Value;

    public static IReadOnlyList<Resource> Render(string overlay) =>
        Yaml.LoadAll(RenderText(overlay)).Select(Resource.From).ToList();

    /// <summary>Writes the rendered overlay to a file (for the node schema validator).</summary>
    public static string RenderToFile(string overlay)
    {
        var file = Path.Combine(Path.GetTempPath(), $"rescue-adsync-{overlay}-{Environment.ProcessId}.yaml");
        File.WriteAllText(file, RenderText(overlay));
        return file;
    }

    /// <summary>The Secret template every secretKeyRef must resolve against (it is not part of any overlay).</summary>
    public static Resource SecretTemplate() =>
        Resource.From(Yaml.Load(Repository.Read("k8s/secret.template.yaml")));
}
