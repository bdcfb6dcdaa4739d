namespace RescueAdSync.Config.Data;

/// <summary>Which database holds the configuration; each has its own migration set.</summary>
public enum DatabaseProvider
{
    /// <summary>One file on a volume; the default, needs no server.</summary>
    Sqlite = 0,

    /// <summary>For several replicas of the config service.</summary>
    PostgreSql = 1,
}
