using System.Globalization;
using Microsoft.Extensions.Options;

namespace RescueAdSync.Config.Auth;

/// <summary>Refuses to start with no key, a short key, an unknown role or a malformed hash: each would lock out or weaken a caller.</summary>
public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var errors = new List<string>();
        if (options.ApiKeys.Count == 0)
        {
            errors.Add("Auth:ApiKeys is empty: configure at least one key (Auth__ApiKeys__0__Key and Auth__ApiKeys__0__Role).");
        }

        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var entry = options.ApiKeys[i];
            var hasKey = !string.IsNullOrEmpty(entry.Key);
            var hasHash = !string.IsNullOrEmpty(entry.KeySha256);
            if (hasKey == hasHash)
            {
                errors.Add($"Auth:ApiKeys:{i}: set exactly one of Key and KeySha256.");
            }
            else if (hasKey && entry.Key!.Length < ApiKeyOptions.MinimumKeyLength)
            {
                errors.Add($"Auth:ApiKeys:{i}:Key is shorter than {ApiKeyOptions.MinimumKeyLength} characters.");
            }
            else if (hasHash && (entry.KeySha256!.Length != 64 || !entry.KeySha256.All(char.IsAsciiHexDigit)))
            {
                errors.Add($"Auth:ApiKeys:{i}:KeySha256 must be 64 hex digits.");
            }

            if (!Roles.All.Contains(entry.Role))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Auth:ApiKeys:{i}:Role '{entry.Role}' is not one of {string.Join(", ", Roles.All)}."));
            }
        }

        if (options.FailedAttemptsPerMinute < 1)
        {
            errors.Add("Auth:FailedAttemptsPerMinute must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
