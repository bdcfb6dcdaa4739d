namespace RescueAdSync.Cli;

/// <summary>What a script can branch on; listed in <c>adsync --help</c>, so keep <see cref="Help"/> in step.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int Auth = 2;
    public const int NotFound = 3;
    public const int Unreachable = 4;
    public const int ServerError = 5;
    public const int Timeout = 6;
    public const int OperationFailed = 7;
    public const int ChecksFailed = 8;

    public const string Help = """
        Exit codes:
          0  success
          1  usage or validation error (bad option, a field the service refused, a conflict)
          2  authentication or authorization error (key missing from the service, wrong role, rate-limited)
          3  not found (no such mapping, account or directory not set yet)
          4  config service unreachable (connection refused, DNS, timeout)
          5  the config service failed (HTTP 5xx or an answer the CLI does not understand)
          6  timed out waiting for the services to finish an operation (e.g. the reader applying an approved plan)
          7  the operation ran and failed (e.g. provision: unknown user, not a member of the mapping's group, Rescue refused it)
          8  a check failed (directory test: a FAIL line; warnings alone exit 0)
        """;
}
