using Microsoft.Extensions.Options;

namespace RescueAdSync.Config.Secrets;

/// <summary>
/// Outside Development the service refuses to start without a real key: running with none (or a well-known one)
/// would store the MAH password and the tokens as good as in plain text.
/// </summary>
public sealed class SecretsOptionsValidator(IHostEnvironment environment) : IValidateOptions<SecretsOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretsOptions options)
    {
        var errors = new List<string>();
        var hasKey = !string.IsNullOrWhiteSpace(options.Key);
        var hasFile = !string.IsNullOrWhiteSpace(options.KeyFile);
        if (hasKey && hasFile)
        {
            errors.Add("Set only one of Secrets:Key and Secrets:KeyFile.");
        }
        else if (hasKey)
        {
            CheckKey(options.Key, "Secrets:Key", errors);
        }
        else if (hasFile)
        {
            if (!File.Exists(options.KeyFile))
            {
                errors.Add($"Secrets:KeyFile '{options.KeyFile}' does not exist.");
            }
            else
            {
                CheckKey(File.ReadAllText(options.KeyFile!), $"The key in '{options.KeyFile}'", errors);
            }
        }
        else if (!environment.IsDevelopment())
        {
            errors.Add("No secret key: set Secrets__Key (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or Secrets__KeyFile.");
        }

        for (var i = 0; i < options.PreviousKeys.Count; i++)
        {
            if (SecretKeyRing.TryParse(options.PreviousKeys[i]) is null)
            {
                errors.Add($"Secrets:PreviousKeys:{i} is not base64 of 32 bytes.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void CheckKey(string? value, string what, List<string> errors)
    {
        var key = SecretKeyRing.TryParse(value);
        if (key is null)
        {
            errors.Add($"{what} is not base64 of 32 bytes.");
        }
        else if (SecretKeyRing.IsWellKnown(key) && !environment.IsDevelopment())
        {
            errors.Add($"{what} is a well-known placeholder; generate a random one.");
        }
    }
}
