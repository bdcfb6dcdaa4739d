namespace RescueAdSync.Deployment.Tests.Infrastructure;

public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => $"exit code {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}
