namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>
/// The password policy of docs/rescue-api.md (no whitespace, at least 8 characters, letters and digits).
/// The code names are ours: the public documentation lists the rules, not the codes.
/// </summary>
public static class PasswordPolicy
{
    public const string Whitespace = "INVALIDPARAM_PWD_WHITESPACE";
    public const string TooShort = "INVALIDPARAM_PWD_TOO_SHORT";
    public const string CharacterClasses = "INVALIDPARAM_PWD_CHARACTER_CLASSES";
    public const int MinimumLength = 8;

    /// <summary>The violated rule's code, or null when the password is acceptable.</summary>
    public static string? Check(string password)
    {
        if (password.Any(char.IsWhiteSpace))
        {
            return Whitespace;
        }

        if (password.Length < MinimumLength)
        {
            return TooShort;
        }

        if (!password.Any(char.IsLetter) || !password.Any(char.IsDigit))
        {
            return CharacterClasses;
        }

        return null;
    }
}
