namespace RescueAdSync.Provisioner.Rescue;

/// <summary>The result codes of docs/rescue-api.md and what each means for the caller.</summary>
public static class RescueResultCodes
{
    public const string Ok = "OK";
    public const string InvalidSecretAuthCode = "INVALID_SECRETAUTHCODE";
    public const string NotLoggedIn = "NOTLOGGEDIN";
    public const string InvalidParamPrefix = "INVALIDPARAM_";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        Ok, "ERROR", "INVALID", NotLoggedIn, InvalidSecretAuthCode, "USER_DELETED_OR_DISABLED", "LIMITREACHED",
        "INVALID_MOVE", "INVALID_EMAILANDNODEIDBOTHSPECIFIED",
    };

    public static bool IsKnown(string code) => Known.Contains(code) || code.StartsWith(InvalidParamPrefix, StringComparison.Ordinal);

    /// <summary>Null for OK. Unknown codes are permanent: retrying something we do not understand only multiplies it.</summary>
    public static RescueErrorKind? Classify(string code) => code switch
    {
        Ok => null,
        InvalidSecretAuthCode or NotLoggedIn or "INVALID" => RescueErrorKind.Authentication,
        // Only login answers LIMITREACHED; its window is three minutes, so waiting helps.
        "LIMITREACHED" => RescueErrorKind.Retryable,
        _ => RescueErrorKind.Permanent,
    };
}
