namespace RescueAdSync.Config.Directories;

/// <summary>A mapping as the directory preflight checks it: its group must exist in the mapping's directory.</summary>
public sealed record PreflightMapping(Guid Id, string GroupDn, bool Nested);
