namespace RescueAdSync.Deployment.Tests.Infrastructure;

/// <summary>
/// The node script in k8s-validate/ (kubernetes-models + js-yaml, with the KEDA and Prometheus Operator models).
/// Its node_modules is installed with `npm ci` from the committed package-lock.json when missing.
/// </summary>
public static class SchemaValidator
{
    private static readonly Lazy<string> Folder = new(Install);

    public static ToolResult Validate(params string[] files)
    {
        var node = Tool.Require("node", "Node.js 20+ (on the machine image; Debian: apt-get install -y nodejs npm)");
        return Tool.Run(node, ["validate.mjs", .. files], Folder.Value);
    }

    private static string Install()
    {
        var folder = Path.Combine(Repository.Root, "tests", "RescueAdSync.Deployment.Tests", "k8s-validate");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "kubernetes-models")))
        {
            var npm = Tool.Require("npm", "npm (on the machine image; Debian: apt-get install -y npm)");
            var result = Tool.Run(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, TimeSpan.FromMinutes(5));
            Assert.True(result.ExitCode == 0, $"npm ci in {folder} failed:\n{result.Output}");
        }

        return folder;
    }
}
