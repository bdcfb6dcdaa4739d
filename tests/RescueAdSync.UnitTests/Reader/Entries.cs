using RescueAdSync.AdReader.Ldap;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>Builds <see cref="LdapEntry"/> values for the reader's rule tests.</summary>
internal static class Entries
{
    public static LdapEntry Of(string dn, byte[]? objectGuid = null, params (string Name, string Value)[] values) =>
        new(dn, values.GroupBy(v => v.Name, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(v => v.Value).ToList(), StringComparer.OrdinalIgnoreCase),
            objectGuid);
}
