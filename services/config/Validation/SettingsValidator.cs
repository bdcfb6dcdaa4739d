using RescueAdSync.Config.Data;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Validation;

/// <summary>
/// Field-level checks for every body the API accepts. A secret may be left empty on update to keep the stored one
/// (the API never returns secrets, so a form cannot send them back); it is required when none is stored yet.
/// </summary>
public static class SettingsValidator
{
    /// <summary>The most directory server URLs one connection may list.</summary>
    public const int MaxServerUrls = 16;

    public static ValidationErrors Validate(RescueAccountSettings settings, bool secretsStored)
    {
        var errors = new ValidationErrors();
        errors.HttpUrl("apiBaseUrl", settings.ApiBaseUrl);
        errors.Email("mahEmail", settings.MahEmail);
        Secret(errors, "mahPassword", settings.MahPassword, secretsStored);
        Secret(errors, "serviceToken", settings.ServiceToken, secretsStored);
        Secret(errors, "defaultPassword", settings.DefaultPassword, secretsStored);
        return errors;
    }

    /// <param name="settings">The connection as submitted.</param>
    /// <param name="secretsStored">Whether a bind password is stored (an empty one keeps it).</param>
    /// <param name="keytabStored">Whether a keytab is stored (an empty one keeps it).</param>
    public static ValidationErrors Validate(DirectoryConnectionSettings settings, bool secretsStored, bool keytabStored = false)
    {
        var errors = new ValidationErrors();
        if (!Enum.IsDefined(settings.Kind))
        {
            errors.Add("kind", "Must be ActiveDirectory or OpenLdap.");
        }

        var byDomain = !string.IsNullOrWhiteSpace(settings.Domain);
        if (byDomain)
        {
            DirectoryRules.ValidateDomain(errors, settings);
        }
        else if (settings.ServerUrls is null || settings.ServerUrls.Count == 0)
        {
            errors.Add("serverUrls", "Give a domain (its domain controllers are found in DNS) or at least one ldap:// or ldaps:// URL.");
        }
        else if (settings.ServerUrls.Count > MaxServerUrls)
        {
            errors.Add("serverUrls", $"At most {MaxServerUrls} URLs: the reader tries them in turn, more are never reached in time.");
        }
        else
        {
            for (var i = 0; i < settings.ServerUrls.Count; i++)
            {
                var url = settings.ServerUrls[i];
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "ldap" && uri.Scheme != "ldaps") || uri.Host.Length == 0)
                {
                    errors.Add($"serverUrls[{i}]", "Must be an ldap:// or ldaps:// URL with a host.");
                }
            }
        }

        if (!Enum.IsDefined(settings.Auth))
        {
            errors.Add("auth", "Must be Simple or Kerberos.");
        }
        else if (settings.Auth == DirectoryAuth.Kerberos)
        {
            DirectoryRules.ValidateKerberos(errors, settings, keytabStored);
        }
        else
        {
            // Not checked as a DN: Active Directory also binds as user@domain or DOMAIN\user. Control characters never belong in it.
            errors.RequiredText("bindDn", settings.BindDn, 1024);
            Secret(errors, "bindPassword", settings.BindPassword, secretsStored);
            if (!string.IsNullOrEmpty(settings.KerberosPrincipal) || !string.IsNullOrEmpty(settings.KeytabBase64))
            {
                errors.Add("auth", "A Kerberos principal or keytab needs auth Kerberos.");
            }
        }
        // With a domain an empty base DN means the domain's own naming context.
        if (!byDomain || !string.IsNullOrWhiteSpace(settings.BaseDn))
        {
            errors.DistinguishedName("baseDn", settings.BaseDn);
        }
        if (settings.PollIntervalSeconds is < 1 or > 86_400)
        {
            errors.Add("pollIntervalSeconds", "Must be between 1 and 86400.");
        }

        DirectoryRules.Validate(errors, settings);
        return errors;
    }

    public static ValidationErrors Validate(MappingSettings settings)
    {
        var errors = new ValidationErrors();
        var byName = !string.IsNullOrWhiteSpace(settings.SourceGroupName);
        if (byName && !string.IsNullOrWhiteSpace(settings.SourceGroupDn))
        {
            errors.Add("sourceGroupName", "Give either sourceGroupDn or sourceGroupName, not both.");
        }
        else if (!byName)
        {
            errors.DistinguishedName("sourceGroupDn", settings.SourceGroupDn);
        }

        if (settings.TechnicianGroupId <= 0)
        {
            errors.Add("technicianGroupId", "Must be a positive Rescue node id.");
        }

        DirectoryRules.Validate(errors, settings);
        GuardValidator.Validate(errors, settings);
        return errors;
    }

    public static ValidationErrors Validate(string directoryUserId, TechnicianLink link)
    {
        var errors = new ValidationErrors();
        errors.Required("directoryUserId", directoryUserId, 128);
        if (link.DirectoryUserId is { Length: > 0 } bodyId && bodyId != directoryUserId)
        {
            errors.Add("directoryUserId", "Differs from the id in the URL.");
        }

        if (link.MappingId == Guid.Empty)
        {
            errors.Add("mappingId", "Required.");
        }

        if (link.TechnicianNodeId is <= 0)
        {
            errors.Add("technicianNodeId", "Must be a positive Rescue node id, or null while the user has no technician.");
        }

        if (link.Version < 0)
        {
            errors.Add("version", "Must not be negative.");
        }

        if (!Enum.IsDefined(link.State))
        {
            errors.Add("state", $"Must be one of {string.Join(", ", Enum.GetNames<UserState>())}.");
        }

        return errors;
    }

    public static ValidationErrors Validate(NewSyncLogEntry entry)
    {
        var errors = new ValidationErrors();
        if (!Enum.IsDefined(entry.Level))
        {
            errors.Add("level", "Must be Info, Warning or Error.");
        }

        errors.Required("source", entry.Source, 64);
        errors.Required("operation", entry.Operation, 128);
        // The message itself is only required: an over-long one is cut rather than refused, losing an error report is worse.
        errors.Required("message", entry.Message, int.MaxValue);
        if (entry.DirectoryUserId is { Length: > 128 })
        {
            errors.Add("directoryUserId", "At most 128 characters.");
        }

        if (entry.ErrorCode is { Length: > 128 })
        {
            errors.Add("errorCode", "At most 128 characters.");
        }

        TraceId(errors, "traceId", entry.TraceId);
        // Optional, but when given, text like the history's: it is shown in tables and terminals as it is.
        errors.OptionalText("displayName", entry.DisplayName, HistoryModel.MaxName);
        errors.OptionalText("email", entry.Email, HistoryModel.MaxEmail);
        return errors;
    }

    /// <summary>A W3C trace id as OpenTelemetry writes it (32 lowercase hex digits, not all zero), or absent.</summary>
    public static void TraceId(ValidationErrors errors, string field, string? traceId)
    {
        if (traceId is null)
        {
            return;
        }

        if (traceId.Length != 32 || !traceId.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')) || traceId.All(c => c == '0'))
        {
            errors.Add(field, "Must be a trace id of 32 lowercase hexadecimal digits (not all zero), or absent.");
        }
    }

    private static void Secret(ValidationErrors errors, string field, string? value, bool stored)
    {
        if (string.IsNullOrEmpty(value) && !stored)
        {
            errors.Add(field, "Required.");
        }
        else if (value is { Length: > 1024 })
        {
            errors.Add(field, "At most 1024 characters.");
        }
        else if (value is { Length: > 0 } && string.IsNullOrWhiteSpace(value))
        {
            // Empty keeps the stored secret; blanks are a mistake (a pasted space), never a real secret.
            errors.Add(field, "Must not be only whitespace; leave it empty to keep the stored one.");
        }
        else if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add(field, "Must not contain a NUL character.");
        }
    }
}
