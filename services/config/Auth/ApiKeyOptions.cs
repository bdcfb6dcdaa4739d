namespace RescueAdSync.Config.Auth;

/// <summary>The API keys that may call /api (section "Auth").</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Auth";

    /// <summary>Short keys can be guessed; 16 characters is the least we accept.</summary>
    public const int MinimumKeyLength = 16;

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>Failed authentications allowed per client address and minute before it gets 429.</summary>
    public int FailedAttemptsPerMinute { get; set; } = 10;
}
