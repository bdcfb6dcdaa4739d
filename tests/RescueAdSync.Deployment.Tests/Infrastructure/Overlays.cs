using System.Collections.Concurrent;

namespace RescueAdSync.Deployment.Tests.Infrastructure;

/// <summary>
/// Renders k8s/overlays/&lt;name&gt; with `kubectl kustomize` (kustomize v5 built into kubectl), once per test run.
/// </summary>
public static class Overlays
{
    public const string KubectlInstall =
        "the kubectl of the machine image (kustomize v5 built in); elsewhere the Debian/Google Cloud kubectl package or npm's kubectl shim";

    public static readonly TheoryData<string> Names = new() { "dev", "production", "production-tls" };

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

    /// <summary>
    /// Copies k8s/ to a temporary folder, lets <paramref name="change"/> edit the copy (it gets the copy's k8s folder),
    /// renders the overlay from the copy and writes the result to a file; returns that file and the copy's folder.
    /// </summary>
    public static (string File, string Folder) RenderChangedCopy(string overlay, Action<string> change)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rescue-adsync-k8s-{Guid.NewGuid():N}");
        var k8s = Path.Combine(folder, "k8s");
        CopyTree(Repository.PathOf("k8s"), k8s);
        change(k8s);
        var kubectl = Tool.Require("kubectl", KubectlInstall);
        var result = Tool.Run(kubectl, ["kustomize", Path.Combine(k8s, "overlays", overlay)]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize of the changed copy of k8s/overlays/{overlay} failed:\n{result.Output}");
        var file = Path.Combine(folder, $"{overlay}.yaml");
        File.WriteAllText(file, result.StandardOutput);
        return (file, folder);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.GetDirectories(from))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    /// <summary>The Secret template every secretKeyRef must resolve against (it is not part of any overlay).</summary>
    public static Resource SecretTemplate() =>
        Resource.From(Yaml.Load(Repository.Read("k8s/secret.template.yaml")));
}
