namespace RescueAdSync.Contracts.Config;

/// <summary>Directory connection names.</summary>
public static class DirectoryNames
{
    /// <summary>The connection /api/directory manages, mappings use unless they name another, and readers serve by default.</summary>
    public const string Default = "default";

    /// <summary>What a name may look like: it appears in URLs, lease names and Reader:Directory.</summary>
    public const string Pattern = "^[a-z0-9][a-z0-9-]{0,62}$";
}
