using System.Text.Json;
using RescueAdSync.Config;
using RescueAdSync.Config.Apis;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Fuzz;

/// <summary>
/// A config API request body, read as each body the API validates (with the service's own JSON options), then checked by
/// the validators the endpoints call. Bad input is <see cref="JsonException"/> (the API answers 400 naming the field)
/// and validation errors (a result, not an exception); a body that reads as null is refused by the endpoint too.
/// Anything else that escapes would be a 500: a crash.
/// </summary>
internal static class ConfigJsonTarget
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static void Run(byte[] body)
    {
        if (Read<RescueAccountSettings>(body) is { } account)
        {
            Check(SettingsValidator.Validate(account, secretsStored: false));
            Check(SettingsValidator.Validate(account, secretsStored: true));
        }

        if (Read<DirectoryConnectionSettings>(body) is { } directory)
        {
            Check(SettingsValidator.Validate(directory, secretsStored: false, keytabStored: false));
            Check(SettingsValidator.Validate(directory, secretsStored: true, keytabStored: true));
        }

        if (Read<MappingSettings>(body) is { } mapping)
        {
            Check(SettingsValidator.Validate(mapping));
        }

        if (Read<TechnicianLink>(body) is { } link)
        {
            ValidateLink(link.DirectoryUserId ?? "", link);
        }

        foreach (var each in Read<TechnicianLink?[]>(body) ?? [])
        {
            if (each is not null)
            {
                ValidateLink(each.DirectoryUserId ?? "", each);
            }
        }

        if (Read<NewSyncLogEntry>(body) is { } entry)
        {
            Check(SettingsValidator.Validate(entry));
        }

        if (Read<NewHistoryEntry?[]>(body) is { } entries)
        {
            var errors = new ValidationErrors();
            for (var i = 0; i < entries.Length; i++)
            {
                HistoryApi.Validate(errors, $"[{i}]", entries[i]);
            }

            Check(errors);
        }
    }

    /// <summary>What the links endpoints check: the link's rules, and its history entry's when it carries one.</summary>
    private static void ValidateLink(string directoryUserId, TechnicianLink link)
    {
        var errors = SettingsValidator.Validate(directoryUserId, link);
        if (link.History is not null)
        {
            HistoryApi.Validate(errors, "", link.History);
        }

        Check(errors);
    }

    /// <summary>A refused body is answered from its errors: they must be readable too.</summary>
    private static void Check(ValidationErrors errors) => _ = errors.IsValid ? null : errors.ToDictionary();

    private static T? Read<T>(byte[] body)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ConfigServiceExtensions.ConfigureJson(options);
        return options;
    }
}
