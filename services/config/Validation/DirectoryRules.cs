using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Validation;

/// <summary>Checks of the directory-connection TLS and status settings and of the mapping rules.</summary>
public static partial class DirectoryRules
{
    /// <summary>Largest CA bundle accepted: a few dozen certificates.</summary>
    public const int MaxCaBundleLength = 65_536;

    public const int MaxGroupNameLength = 256;

    /// <summary>An LDAP attribute descriptor (RFC 4512 keystring), the only shape that can be put into a search safely.</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]{0,63}$")]
    public static partial Regex AttributeName();

    public static void Validate(ValidationErrors errors, DirectoryConnectionSettings settings)
    {
        if (!Enum.IsDefined(settings.TlsMode))
        {
            errors.Add("tlsMode", "Must be None, StartTls or Ldaps.");
        }
        else if (settings.ServerUrls is { Count: > 0 })
        {
            var wanted = settings.TlsMode == DirectoryTlsMode.Ldaps ? "ldaps" : "ldap";
            for (var i = 0; i < settings.ServerUrls.Count; i++)
            {
                if (Uri.TryCreate(settings.ServerUrls[i], UriKind.Absolute, out var uri) && (uri.Scheme is "ldap" or "ldaps") && uri.Scheme != wanted)
                {
                    errors.Add($"serverUrls[{i}]", settings.TlsMode == DirectoryTlsMode.Ldaps
                        ? "tlsMode Ldaps needs ldaps:// URLs."
                        : $"An {uri.Scheme}:// URL needs tlsMode {(uri.Scheme == "ldaps" ? "Ldaps" : "None or StartTls")}.");
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(settings.CaBundlePem))
        {
            if (settings.CaBundlePem.Length > MaxCaBundleLength)
            {
                errors.Add("caBundlePem", $"At most {MaxCaBundleLength} characters.");
            }
            else if (CountCertificates(settings.CaBundlePem) is not > 0)
            {
                errors.Add("caBundlePem", "Must be one or more PEM certificates (-----BEGIN CERTIFICATE----- ...).");
            }

            if (settings.TlsMode == DirectoryTlsMode.None)
            {
                errors.Add("caBundlePem", "A CA bundle needs tlsMode StartTls or Ldaps: without TLS nothing is verified.");
            }
        }

        if (settings.AllowInsecureTls)
        {
            if (settings.TlsMode == DirectoryTlsMode.None)
            {
                errors.Add("allowInsecureTls", "Only meaningful with tlsMode StartTls or Ldaps.");
            }

            if (!string.IsNullOrWhiteSpace(settings.CaBundlePem))
            {
                errors.Add("allowInsecureTls", "Contradicts caBundlePem: a CA bundle is pointless when no certificate is verified.");
            }
        }

        if (!string.IsNullOrWhiteSpace(settings.DisabledAttribute))
        {
            if (settings.Kind != DirectoryKind.OpenLdap)
            {
                errors.Add("disabledAttribute", "Only for OpenLdap: Active Directory status comes from userAccountControl and accountExpires.");
            }
            else if (!AttributeName().IsMatch(settings.DisabledAttribute.Trim()))
            {
                errors.Add("disabledAttribute", "Must be an attribute name (a letter, then letters, digits or '-', at most 64).");
            }
        }

        if (settings.ReconcileMinutes is < 1 or > 10_080)
        {
            errors.Add("reconcileMinutes", "Must be between 1 and 10080 (a week).");
        }
    }

    public static void Validate(ValidationErrors errors, MappingSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(settings.SourceGroupName)
            && (settings.SourceGroupName.Trim().Length > MaxGroupNameLength || settings.SourceGroupName.Any(char.IsControl)))
        {
            errors.Add("sourceGroupName", $"At most {MaxGroupNameLength} characters, no control characters.");
        }

        if (settings.Directory is not null && Apis.DirectoryApi.NormalizeName(settings.Directory) is null)
        {
            errors.Add("directory", "A directory connection name: 1 to 63 lower-case letters, digits or '-'.");
        }

        Attribute(errors, "nameAttribute", settings.NameAttribute);
        Attribute(errors, "emailAttribute", settings.EmailAttribute);
        if (settings.Priority is < 0 or > 1_000_000)
        {
            errors.Add("priority", "Must be between 0 and 1000000.");
        }
    }

    private static void Attribute(ValidationErrors errors, string field, string? value)
    {
        if (value is not null && !AttributeName().IsMatch(value.Trim()))
        {
            errors.Add(field, "Must be an attribute name (a letter, then letters, digits or '-', at most 64), e.g. displayName or mail.");
        }
    }

    private static int? CountCertificates(string pem)
    {
        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(pem);
            var count = collection.Count;
            foreach (var certificate in collection)
            {
                certificate.Dispose();
            }
            return count;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
