namespace RescueAdSync.AdReader.Ldap;

/// <summary>One search result, decoupled from System.DirectoryServices.Protocols so that the rules stay pure and testable.</summary>
/// <param name="DistinguishedName">The entry's DN.</param>
/// <param name="Values">Text attribute values by attribute name (case-insensitive).</param>
/// <param name="ObjectGuid">The raw objectGUID bytes (AD only).</param>
public sealed record LdapEntry(
    string DistinguishedName,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Values,
    byte[]? ObjectGuid = null)
{
    public string? First(string attribute) =>
        Values.TryGetValue(attribute, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[0])
            ? values[0]
            : null;
}
