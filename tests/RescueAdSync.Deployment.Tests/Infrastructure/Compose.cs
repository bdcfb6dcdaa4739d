using YamlDotNet.RepresentationModel;

namespace RescueAdSync.Deployment.Tests.Infrastructure;

/// <summary>docker-compose v1 (Debian's docker-compose package): validates and resolves the file without an engine.</summary>
public static class Compose
{
    public const string Install = "apt-get install -y --no-install-recommends docker-compose";

    public static ToolResult Run(string envFile, params string[] command)
    {
        var compose = Tool.Require("docker-compose", Install);
        return Tool.Run(compose, ["--env-file", envFile, "-f", Repository.PathOf("docker-compose.yml"), .. command]);
    }

    /// <summary>The file as compose resolves it with .env.example (anchors merged, variables substituted).</summary>
    public static YamlMappingNode Resolved()
    {
        var result = Run(Repository.PathOf(".env.example"), "config");
        Assert.True(result.ExitCode == 0, result.Output);
        return Yaml.Load(result.StandardOutput);
    }
}
