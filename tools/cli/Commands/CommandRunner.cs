using System.CommandLine;
using RescueAdSync.Cli.Api;
using RescueAdSync.Cli.Output;

namespace RescueAdSync.Cli.Commands;

/// <summary>Runs a command's body with a connected client and turns every failure into a message and an exit code.</summary>
public sealed class CommandRunner(GlobalOptions globals)
{
    public GlobalOptions Globals { get; } = globals;

    public void SetAction(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var connection = ApiConnection.Resolve(parse.GetValue(Globals.Url), parse.GetValue(Globals.Key));
                using var api = new ConfigApiClient(connection);
                return await body(parse, new CliContext(api, parse.GetValue(Globals.Json)), cancellationToken);
            }
            catch (CliException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C: the operator asked for it, nothing failed.
                return ExitCodes.Ok;
            }
        });
}
