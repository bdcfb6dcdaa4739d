namespace RescueAdSync.Config.Auth;

/// <summary>The API keys that may call /api (section "Auth").</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Auth";

    /// <summary>Short keys can be guessed; 16 characters is the least we accept.</summary>
    public const int MinimumKeyLength = 16;

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>
    /// Failed authentications (unknown keys) allowed per client address and minute; further unknown keys from it get 429
    /// until the minute is over. Requests with a valid key are never refused by this limit. Shared by all replicas on PostgreSQL.
    /// </summary>
    public int FailedAttemptsPerMinute { get; set; } = 10;
}
