namespace RescueAdSync.Deployment.Tests.Infrastructure;

public static class Promtool
{
    public const string Install = "apt-get install -y --no-install-recommends prometheus";

    public static ToolResult Run(params string[] arguments) =>
        Tool.Run(Tool.Require("promtool", Install), arguments, Repository.PathOf("deploy/prometheus"));
}
