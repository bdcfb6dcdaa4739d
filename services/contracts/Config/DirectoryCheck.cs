namespace RescueAdSync.Contracts.Config;

/// <summary>One line of a directory preflight.</summary>
/// <param name="Check">What was checked: "server", "tls", "bind", "base-dn", "change-tracking", "mapping".</param>
/// <param name="Status">Pass, Warn or Fail.</param>
/// <param name="Detail">What was found, as a sentence (server URLs and times, the bind identity, a group's member count).</param>
/// <param name="Fix">What to change, for a warning or a failure; null when there is nothing to do.</param>
public sealed record DirectoryCheck(string Check, DirectoryCheckStatus Status, string Detail, string? Fix = null);
