namespace RescueAdSync.Cli;

/// <summary>An error the operator can act on: its message is printed as is, without a stack trace.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
