namespace RescueAdSync.Provisioner.Rescue;

/// <summary>What the caller should do about a failed Rescue call.</summary>
public enum RescueErrorKind
{
    /// <summary>Transport error, timeout, 5xx, 429: try again later (honour RetryAfter).</summary>
    Retryable,

    /// <summary>The token is bad or revoked: stop calling until it is replaced.</summary>
    Authentication,

    /// <summary>The request itself is wrong (INVALIDPARAM_*, INVALID_MOVE, ERROR, unknown codes): retrying cannot help.</summary>
    Permanent,
}
