namespace RescueAdSync.Contracts.Config;

/// <summary>
/// Published by the config service after every successful write, so that the other services refresh at once instead of
/// at their next poll. A wake-up only: it carries no settings (and never a secret); polling stays the fallback.
/// </summary>
/// <param name="Resource">What changed: rescue-account, directory, mappings.</param>
/// <param name="Name">The directory connection's name or the mapping id, when one resource instance changed.</param>
/// <param name="ChangedAt">When the change was stored.</param>
public sealed record ConfigChanged(string Resource, string? Name, DateTimeOffset ChangedAt);
