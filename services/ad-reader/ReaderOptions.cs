using System.ComponentModel.DataAnnotations;

namespace RescueAdSync.AdReader;

/// <summary>
/// Settings local to this reader process (section "Reader"). What an administrator changes at run time (servers,
/// bind identity, base DN, poll interval, mappings) comes from the config service instead.
/// </summary>
public sealed class ReaderOptions
{
    public const string Section = "Reader";

    /// <summary>Entries per page; 1000 is Active Directory's default MaxPageSize, so larger pages would be truncated.</summary>
    [Range(1, 1000)] public int PageSize { get; set; } = 1000;

    /// <summary>Timeout of one LDAP request.</summary>
    [Range(1, 600)] public int LdapTimeoutSeconds { get; set; } = 30;

    /// <summary>How long one publish may wait for the broker's confirm before the cycle is abandoned and retried.</summary>
    [Range(1, 600)] public int PublishTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Publishes awaiting their broker confirm at once. One at a time costs a full round trip and the queue's disk
    /// sync per message; a window keeps the channel busy. The state is still saved only after every confirm.
    /// </summary>
    [Range(1, 10000)] public int MaxPublishesInFlight { get; set; } = 256;

    /// <summary>Poll interval used until the config service has answered once.</summary>
    [Range(1, 3600)] public int StartupPollIntervalSeconds { get; set; } = 2;

    /// <summary>Longest wait between two attempts while no directory server accepts the bind.</summary>
    [Range(1, 3600)] public int MaxBackoffSeconds { get; set; } = 60;

    /// <summary>The same error is written to the sync log again only after this long, so an outage is not a flood.</summary>
    [Range(1, 1440)] public int SyncLogRepeatMinutes { get; set; } = 15;

    /// <summary>
    /// The directory connection (its name in the config service) this process reads; one reader deployment per
    /// connection. Its mappings are those naming it; its leader lease is its own.
    /// </summary>
    [RegularExpression(Contracts.Config.DirectoryNames.Pattern, ErrorMessage = "Reader:Directory must be a directory connection name (lower-case letters, digits, '-').")]
    public string Directory { get; set; } = Contracts.Config.DirectoryNames.Default;

    /// <summary>
    /// Local override of the connection's ReconcileMinutes (minutes between two full reads of a mapping's membership;
    /// set on the directory connection). Unset: the connection's value. Incremental reads cannot see what never touches
    /// the directory (an account expiring with time) and may miss what a server forgot; the full read corrects both.
    /// </summary>
    [Range(1, 10080)] public int? ReconcileMinutes { get; set; }

    /// <summary>Where the per-mapping state (high-water mark, known members) is kept.</summary>
    public Sync.ReaderStateStoreKind StateStore { get; set; } = Sync.ReaderStateStoreKind.ConfigService;

    /// <summary>Exactly one active reader per directory: the leader lease.</summary>
    public Leadership.LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>The lease this process competes for: Reader:LeaderElection:LeaseName, else one per directory connection.</summary>
    public string EffectiveLeaseName() => LeaderElection.LeaseName is { Length: > 0 } name
        ? name
        : Directory == Contracts.Config.DirectoryNames.Default ? "ad-reader" : $"ad-reader-{Directory}";

    /// <summary>
    /// Active Directory: read changes through DirSync when the bind account may (Replicating Directory Changes), else
    /// poll uSNChanged. Either way the cost follows the number of changes.
    /// </summary>
    public bool DirSync { get; set; } = true;

    /// <summary>
    /// Keep a change-notification search open (AD 1.2.840.113556.1.4.528, OpenLDAP refreshAndPersist) and start a cycle
    /// as soon as the server reports a change, instead of waiting for the poll interval. A wake-up only.
    /// </summary>
    public bool ChangeNotifications { get; set; } = true;
}
