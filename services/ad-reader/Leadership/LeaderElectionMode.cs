namespace RescueAdSync.AdReader.Leadership;

/// <summary>Where Reader:LeaderElection keeps its lease.</summary>
public enum LeaderElectionMode
{
    /// <summary>The config store's lease endpoints: works wherever the config service does.</summary>
    ConfigService,
}
