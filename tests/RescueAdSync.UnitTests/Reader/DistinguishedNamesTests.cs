using RescueAdSync.AdReader.Ldap;

namespace RescueAdSync.UnitTests.Reader;

public sealed class DistinguishedNamesTests
{
    [Theory]
    [InlineData("CN=Techs,OU=Groups,DC=example,DC=org", "cn=techs, ou=groups, dc=example, dc=org", true)]
    [InlineData("cn = techs,dc=example,dc=org", "CN=Techs,DC=Example,DC=Org", true)]
    [InlineData("cn=techs,dc=example,dc=org", "cn=techs2,dc=example,dc=org", false)]
    public void Dns_compare_case_and_space_insensitively(string a, string b, bool equal)
    {
        Assert.Equal(equal, DistinguishedNames.AreEqual(a, b));
    }

    [Theory]
    [InlineData("CN=Alice,OU=People,DC=example,DC=org", "ou=people,dc=example,dc=org", true)]
    [InlineData("OU=People,DC=example,DC=org", "ou=people,dc=example,dc=org", true)]
    [InlineData("CN=Alice,OU=Elsewhere,DC=example,DC=org", "ou=people,dc=example,dc=org", false)]
    [InlineData("CN=Alice,OU=NotPeople,DC=example,DC=org", "ou=people,dc=example,dc=org", false)]
    public void A_dn_is_under_its_ancestors_only(string dn, string baseDn, bool under)
    {
        Assert.Equal(under, DistinguishedNames.IsUnder(dn, baseDn));
    }

    [Fact]
    public void A_changed_entry_is_in_scope_only_under_the_base_dn_and_directly_in_the_group()
    {
        var inGroup = Entries.Of("CN=Alice,OU=People,DC=x", null, ("memberOf", "CN=Techs,OU=Groups,DC=x"), ("memberOf", "CN=Other,DC=x"));
        var moved = Entries.Of("CN=Alice,OU=Gone,DC=x", null, ("memberOf", "CN=Techs,OU=Groups,DC=x"));
        var notInGroup = Entries.Of("CN=Bob,OU=People,DC=x", null, ("memberOf", "CN=Other,DC=x"));
        var noGroups = Entries.Of("CN=Carol,OU=People,DC=x");

        Assert.True(DistinguishedNames.IsInScope(inGroup, "cn=techs,ou=groups,dc=x", "OU=People,DC=x"));
        Assert.False(DistinguishedNames.IsInScope(moved, "cn=techs,ou=groups,dc=x", "OU=People,DC=x"));
        Assert.False(DistinguishedNames.IsInScope(notInGroup, "cn=techs,ou=groups,dc=x", "OU=People,DC=x"));
        Assert.False(DistinguishedNames.IsInScope(noGroups, "cn=techs,ou=groups,dc=x", "OU=People,DC=x"));
    }
}
