using System.CommandLine;
using RescueAdSync.Cli.Commands;

namespace RescueAdSync.Cli;

/// <summary>The adsync command tree.</summary>
public static class CliApp
{
    public const string Description = $"""
        adsync: operate rescue-adsync through the config service's API with an admin key.

        Connection: --url or $ADSYNC_URL, and $ADSYNC_API_KEY (or --key). The key is never printed.
        Output: aligned tables for people; --json writes JSON to stdout for scripts (errors always go to stderr).

        {ExitCodes.Help}
        """;

    public static Task<int> RunAsync(string[] args) => Build().Parse(args).InvokeAsync();

    public static RootCommand Build()
    {
        var globals = new GlobalOptions();
        var runner = new CommandRunner(globals);
        var root = new RootCommand(Description);
        globals.AddTo(root);
        root.Add(AccountCommands.Create(runner));
        root.Add(DirectoryCommands.Create(runner));
        root.Add(MappingCommands.Create(runner));
        root.Add(StatusCommand.Create(runner));
        root.Add(LogCommand.Create(runner));
        root.Add(HistoryCommand.Create(runner));
        root.Add(ResyncCommand.Create(runner));
        root.Add(ProvisionCommand.Create(runner));
        root.Add(PreviewCommand.Create(runner));
        foreach (var command in PlanCommands.Create(runner))
        {
            root.Add(command);
        }
        return root;
    }
}
