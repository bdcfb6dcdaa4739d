using System.Globalization;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>The attribute rules of docs/rules.md (identity, version, name, email, status) applied to one directory entry.</summary>
public static class DirectoryUserMapper
{
    /// <summary>Rescue shows names in a list; anything longer than this is not a name.</summary>
    public const int MaxNameLength = 256;

    /// <summary>RFC 5321's limit for a forward path.</summary>
    public const int MaxEmailLength = 254;

    /// <summary>userAccountControl ACCOUNTDISABLE.</summary>
    public const int AccountDisable = 0x2;

    /// <summary>Attributes every member search must request.</summary>
    /// <param name="kind">The directory kind.</param>
    /// <param name="openLdapDisabledAttribute">OpenLDAP: the attribute that marks a disabled account, if one is configured.</param>
    public static string[] Attributes(DirectoryKind kind, string? openLdapDisabledAttribute = null) => kind == DirectoryKind.ActiveDirectory
        ? ["objectGUID", "uSNChanged", "displayName", "givenName", "sn", "cn", "mail", "userPrincipalName", "userAccountControl", "accountExpires", "sAMAccountName"]
        : openLdapDisabledAttribute is { Length: > 0 }
            ? ["entryUUID", "entryCSN", "displayName", "givenName", "sn", "cn", "mail", "uid", openLdapDisabledAttribute]
            : ["entryUUID", "entryCSN", "displayName", "givenName", "sn", "cn", "mail", "uid"];

    /// <summary>
    /// Maps an entry; returns false with a loggable reason when the entry cannot become a technician. <paramref name="id"/>
    /// is still set when the identity could be read, so a broken entry is never mistaken for a user who left.
    /// </summary>
    /// <param name="nameAttribute">The mapping's name attribute; null or absent on the entry: <see cref="DisplayName"/>.</param>
    /// <param name="emailAttribute">The mapping's email attribute; null or absent on the entry: <see cref="Email"/>.</param>
    public static bool TryMap(DirectoryKind kind, LdapEntry entry, DateTimeOffset now, out DirectoryUser? user, out string? id, out string? reason,
        string? openLdapDisabledAttribute = null, string? nameAttribute = null, string? emailAttribute = null)
    {
        user = null;
        reason = null;
        id = ReadId(kind, entry);
        if (id is null)
        {
            reason = kind == DirectoryKind.ActiveDirectory ? "no readable objectGUID" : "no readable entryUUID";
            return false;
        }
        var version = ReadVersion(kind, entry);
        if (version is null)
        {
            reason = kind == DirectoryKind.ActiveDirectory ? "no readable uSNChanged" : "no readable entryCSN";
            return false;
        }
        var (name, email) = NameAndEmail(entry, nameAttribute, emailAttribute);
        if (ContainsControl(name) || ContainsControl(email))
        {
            reason = "control characters in the name or email";
            return false;
        }
        if (name.Length > MaxNameLength || email.Length > MaxEmailLength)
        {
            reason = "name or email too long";
            return false;
        }
        user = new DirectoryUser(id, entry.DistinguishedName, name, email, Status(kind, entry, now, openLdapDisabledAttribute), version.Value)
        {
            Login = Login(kind, entry),
        };
        return true;
    }

    /// <summary>The name and email by the mapping's rules, as the entry has them (not checked: a skipped member is named by them too).</summary>
    public static (string Name, string Email) NameAndEmail(LdapEntry entry, string? nameAttribute = null, string? emailAttribute = null) =>
        (Configured(entry, nameAttribute) ?? DisplayName(entry), Configured(entry, emailAttribute) ?? Email(entry));

    /// <summary>
    /// displayName, else givenName + sn, else cn. Half a name ("Anders" from sn alone) is worse than the cn, so
    /// givenName + sn applies only when both are present; a lone part is the last resort.
    /// </summary>
    public static string DisplayName(LdapEntry entry)
    {
        if (entry.First("displayName") is { } displayName)
        {
            return displayName.Trim();
        }
        var given = entry.First("givenName")?.Trim();
        var surname = entry.First("sn")?.Trim();
        if (!string.IsNullOrEmpty(given) && !string.IsNullOrEmpty(surname))
        {
            return $"{given} {surname}";
        }
        return entry.First("cn")?.Trim() ?? given ?? surname ?? "";
    }

    /// <summary>
    /// The login the directory knows the user by: sAMAccountName (Active Directory) or uid (OpenLDAP); null when absent or
    /// unusable. For the per-user history only: the identity stays objectGUID / entryUUID.
    /// </summary>
    public static string? Login(DirectoryKind kind, LdapEntry entry) =>
        entry.First(kind == DirectoryKind.ActiveDirectory ? "sAMAccountName" : "uid")?.Trim() is { Length: > 0 and <= MaxNameLength } login
            && !ContainsControl(login)
            ? login
            : null;

    /// <summary>mail, else userPrincipalName.</summary>
    public static string Email(LdapEntry entry) =>
        (entry.First("mail") ?? entry.First("userPrincipalName") ?? "").Trim();

    /// <summary>
    /// AD: Disabled when ACCOUNTDISABLE is set or accountExpires lies in the past (0 and Int64.MaxValue mean never).
    /// OpenLDAP has no standard flag: its users are Enabled unless a configured attribute is present with a value other
    /// than FALSE (pwdAccountLockedTime from ppolicy, or a boolean flag of the site's own schema).
    /// </summary>
    public static UserState Status(DirectoryKind kind, LdapEntry entry, DateTimeOffset now, string? openLdapDisabledAttribute = null)
    {
        if (kind != DirectoryKind.ActiveDirectory)
        {
            return openLdapDisabledAttribute is { Length: > 0 } && entry.First(openLdapDisabledAttribute) is { } flag
                && !flag.Trim().Equals("FALSE", StringComparison.OrdinalIgnoreCase)
                ? UserState.Disabled
                : UserState.Enabled;
        }
        if (long.TryParse(entry.First("userAccountControl"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var uac)
            && (uac & AccountDisable) != 0)
        {
            return UserState.Disabled;
        }
        if (long.TryParse(entry.First("accountExpires"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var expires)
            && expires > 0 && expires != long.MaxValue
            && expires <= DateTime.MaxValue.ToFileTimeUtc()
            && DateTime.FromFileTimeUtc(expires) <= now.UtcDateTime)
        {
            return UserState.Disabled;
        }
        return UserState.Enabled;
    }

    /// <summary>AD's objectGUID is a little-endian GUID, exactly the layout of <see cref="Guid(byte[])"/>.</summary>
    public static string? FormatObjectGuid(byte[]? bytes) =>
        bytes is { Length: 16 } ? new Guid(bytes).ToString("D") : null;

    public static string? ReadId(DirectoryKind kind, LdapEntry entry) => kind == DirectoryKind.ActiveDirectory
        ? FormatObjectGuid(entry.ObjectGuid)
        : Guid.TryParse(entry.First("entryUUID"), out var uuid) ? uuid.ToString("D") : null;

    public static long? ReadVersion(DirectoryKind kind, LdapEntry entry)
    {
        if (kind == DirectoryKind.ActiveDirectory)
        {
            return long.TryParse(entry.First("uSNChanged"), NumberStyles.None, CultureInfo.InvariantCulture, out var usn) ? usn : null;
        }
        return EntryCsn.TryToVersion(entry.First("entryCSN"), out var version) ? version : null;
    }

    private static bool ContainsControl(string value) => value.Any(char.IsControl);

    /// <summary>The configured attribute's value when the entry has a non-blank one; else null, and the default rule applies.</summary>
    private static string? Configured(LdapEntry entry, string? attribute) =>
        attribute is { Length: > 0 } && entry.First(attribute)?.Trim() is { Length: > 0 } value ? value : null;
}
