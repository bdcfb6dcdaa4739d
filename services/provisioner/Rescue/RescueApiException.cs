namespace RescueAdSync.Provisioner.Rescue;

/// <summary>A failed Rescue call. The message names the method and the code, never the authcode or a password.</summary>
public sealed class RescueApiException : Exception
{
    public RescueApiException(RescueErrorKind kind, string code, string method, string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Code = code;
        Method = method;
        RetryAfter = retryAfter;
    }

    public RescueErrorKind Kind { get; }

    /// <summary>The Rescue result code, or HTTP_&lt;status&gt;, TRANSPORT, TIMEOUT, MALFORMED_RESPONSE.</summary>
    public string Code { get; }

    public string Method { get; }

    /// <summary>From the Retry-After header of a 429/503, when the server sent one.</summary>
    public TimeSpan? RetryAfter { get; }
}
