namespace RescueAdSync.Config.Auth;

/// <summary>One API key (section "Auth:ApiKeys:n"). Give either the key itself or its SHA-256, never both.</summary>
public sealed class ApiKeyEntry
{
    /// <summary>The bearer key in plain text, from an environment variable or a secret file.</summary>
    public string? Key { get; set; }

    /// <summary>The key's SHA-256 as hex, so that committed or shared configuration never holds the key itself.</summary>
    public string? KeySha256 { get; set; }

    /// <summary>admin, reader or provisioner.</summary>
    public string Role { get; set; } = "";

    /// <summary>A name for logs (never the key); defaults to the role and the position.</summary>
    public string? Name { get; set; }
}
