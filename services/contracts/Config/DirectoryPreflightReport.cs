namespace RescueAdSync.Contracts.Config;

/// <summary>
/// The directory preflight (POST /api/directories/{name}/test, and the answer to every save of a connection): the
/// connection as the reader would use it, checked line by line.
/// </summary>
/// <param name="Name">The directory connection's name.</param>
/// <param name="Status">The worst status of the checks: Fail when any failed, Warn when any warned, else Pass.</param>
/// <param name="Checks">The checks in the order they ran.</param>
public sealed record DirectoryPreflightReport(string Name, DirectoryCheckStatus Status, IReadOnlyList<DirectoryCheck> Checks);
