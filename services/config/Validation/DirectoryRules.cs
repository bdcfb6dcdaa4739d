using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Ldap;

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

        var byDomain = !string.IsNullOrWhiteSpace(settings.Domain);
        if (!string.IsNullOrWhiteSpace(settings.Site))
        {
            if (!byDomain)
            {
                errors.Add("site", "Only with a domain: the site chooses which of the domain's controllers are asked first.");
            }
            else if (!DomainControllerLocator.IsValidSite(settings.Site))
            {
                errors.Add("site", "Must be an Active Directory site name as it appears in DNS: 1 to 63 letters, digits or '-', e.g. Default-First-Site-Name.");
            }
        }

        if (!string.IsNullOrWhiteSpace(settings.DnsServer))
        {
            if (!byDomain)
            {
                errors.Add("dnsServer", "Only with a domain: it is the name server asked for the domain controllers.");
            }
            else if (!DomainControllerLocator.TryParseDnsServer(settings.DnsServer, out _))
            {
                errors.Add("dnsServer", "Must be an IP address with an optional port, e.g. 192.0.2.53 or 192.0.2.53:53 or [2001:db8::53]:53.");
            }
        }

        if (settings.ReconcileMinutes is < 1 or > 10_080)
        {
            errors.Add("reconcileMinutes", "Must be between 1 and 10080 (a week).");
        }
    }

    /// <summary>A connection that finds its domain controllers in DNS: a valid domain, site and name server, no server URLs.</summary>
    public static void ValidateDomain(ValidationErrors errors, DirectoryConnectionSettings settings)
    {
        if (settings.Domain!.Trim().Length > 253 || !DomainControllerLocator.IsValidDomain(settings.Domain))
        {
            errors.Add("domain", "Must be a DNS domain name such as corp.example.com (letters, digits and '-' in dot-separated labels).");
        }
        else if (settings.Kind != DirectoryKind.ActiveDirectory)
        {
            errors.Add("domain", "Only for ActiveDirectory: the SRV records that name domain controllers are Active Directory's; give OpenLDAP servers as serverUrls.");
        }

        if (settings.ServerUrls is { Count: > 0 })
        {
            errors.Add("serverUrls", "Give either a domain or server URLs, not both: with a domain the servers are found in DNS.");
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

    /// <summary>A principal user@REALM: a name (no '@', '/' or blanks) and a realm in capitals, as Active Directory spells it.</summary>
    [GeneratedRegex(@"^[^@/\s\\]{1,256}@[A-Z0-9][A-Z0-9.-]{0,254}$")]
    private static partial Regex PrincipalPattern();

    /// <summary>Kerberos: a principal user@REALM, a keytab that is one (stored, or given as base64) and holds its keys.</summary>
    public static void ValidateKerberos(ValidationErrors errors, DirectoryConnectionSettings settings, bool keytabStored)
    {
        var principal = settings.KerberosPrincipal?.Trim();
        var principalValid = false;
        if (string.IsNullOrEmpty(principal))
        {
            errors.Add("kerberosPrincipal", "Required with auth Kerberos: the service's principal, user@REALM (e.g. rescue-sync@CORP.EXAMPLE.COM).");
        }
        else if (!PrincipalPattern().IsMatch(principal))
        {
            errors.Add("kerberosPrincipal", "Must be user@REALM with the realm in capitals (e.g. rescue-sync@CORP.EXAMPLE.COM).");
        }
        else
        {
            principalValid = true;
        }

        if (string.IsNullOrWhiteSpace(settings.KeytabBase64))
        {
            if (!keytabStored)
            {
                errors.Add("keytabBase64", "Required with auth Kerberos: the principal's keytab (exported with ktpass or samba-tool domain exportkeytab), base64.");
            }
        }
        else if (settings.KeytabBase64.Length > (ServiceDefaults.Ldap.KeytabReader.MaxBytes + 2) / 3 * 4 + 4)
        {
            errors.Add("keytabBase64", $"A keytab of at most {ServiceDefaults.Ldap.KeytabReader.MaxBytes} bytes.");
        }
        else
        {
            byte[]? bytes = null;
            try
            {
                bytes = Convert.FromBase64String(settings.KeytabBase64.Trim());
            }
            catch (FormatException)
            {
                errors.Add("keytabBase64", "Must be the keytab file's bytes in base64.");
            }
            if (bytes is not null)
            {
                try
                {
                    if (principalValid)
                    {
                        ServiceDefaults.Ldap.KeytabReader.Only(bytes, principal!);
                    }
                    else
                    {
                        ServiceDefaults.Ldap.KeytabReader.Read(bytes);
                    }
                }
                catch (FormatException ex)
                {
                    errors.Add("keytabBase64", ex.Message);
                }
            }
        }

        if (!string.IsNullOrEmpty(settings.BindPassword))
        {
            errors.Add("bindPassword", "Not used with auth Kerberos: leave it empty, so that no directory password is stored.");
        }

        if (settings.TlsMode != DirectoryTlsMode.None)
        {
            errors.Add("tlsMode", "Kerberos signs and seals the session itself: use ldap:// URLs with tlsMode None.");
        }

        if (settings.ServerUrls is { Count: > 0 })
        {
            for (var i = 0; i < settings.ServerUrls.Count; i++)
            {
                if (Uri.TryCreate(settings.ServerUrls[i], UriKind.Absolute, out var uri) && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
                {
                    errors.Add($"serverUrls[{i}]", "Kerberos needs the domain controller's host name (its service ticket is for ldap/<host name>), not an IP address.");
                }
            }
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
