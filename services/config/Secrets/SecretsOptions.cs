namespace RescueAdSync.Config.Secrets;

/// <summary>
/// The key that encrypts secrets at rest (section "Secrets"): 32 random bytes as base64, from the environment
/// (Secrets__Key) or a mounted file (Secrets__KeyFile). Never from committed configuration.
/// </summary>
public sealed class SecretsOptions
{
    public const string Section = "Secrets";

    public string? Key { get; set; }

    public string? KeyFile { get; set; }

    /// <summary>Keys replaced by a rotation: still decrypt, and everything they encrypted is re-encrypted at start.</summary>
    public List<string> PreviousKeys { get; set; } = [];
}
