namespace RescueAdSync.AdReader.Ldap;

/// <summary>
/// Compares DNs the way directories do for our purposes: case-insensitive, spaces around separators ignored.
/// Servers echo DNs in their stored case, while administrators type them as they like.
/// </summary>
public static class DistinguishedNames
{
    public static string Normalize(string dn)
    {
        var parts = dn.Split(',').Select(rdn =>
        {
            var equals = rdn.IndexOf('=', StringComparison.Ordinal);
            return equals < 0 ? rdn.Trim() : $"{rdn[..equals].Trim()}={rdn[(equals + 1)..].Trim()}";
        });
        return string.Join(',', parts).ToLowerInvariant();
    }

    public static bool AreEqual(string a, string b) => Normalize(a) == Normalize(b);

    /// <summary>Whether <paramref name="dn"/> is <paramref name="baseDn"/> or below it.</summary>
    public static bool IsUnder(string dn, string baseDn)
    {
        var child = Normalize(dn);
        var parent = Normalize(baseDn);
        return child == parent || child.EndsWith("," + parent, StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether a changed entry is in a (non-nested) mapping's scope: under the base DN and a direct member of the group.
    /// The entry must have been read with its memberOf.
    /// </summary>
    public static bool IsInScope(LdapEntry entry, string groupDn, string baseDn) =>
        IsUnder(entry.DistinguishedName, baseDn)
        && entry.Values.TryGetValue("memberOf", out var groups)
        && groups.Any(group => AreEqual(group, groupDn));
}
