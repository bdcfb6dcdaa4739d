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

    [Theory]
    [InlineData(@"CN=Doe\, John,OU=People,DC=x", @"cn=doe\2c john, ou=people, dc=x", true)]
    [InlineData(@"CN=Doe\, John,OU=People,DC=x", @"CN=Doe\,John,OU=People,DC=x", false)]
    [InlineData(@"CN=Doe\, John,OU=People,DC=x", @"CN=Doe,CN=John,OU=People,DC=x", false)]
    [InlineData(@"CN=Doe\, John ,OU=People,DC=x", @"CN=Doe\, John,OU=People,DC=x", true)]
    [InlineData(@"CN=Trailing\ ,DC=x", @"CN=Trailing,DC=x", false)]
    [InlineData(@"CN=Ren\C3\A9e,DC=x", "CN=Renée,DC=x", true)]
    [InlineData(@"CN=RENÉE,DC=x", "cn=renée,dc=x", true)]
    [InlineData(@"CN=""Doe, John"",OU=People,DC=x", @"CN=Doe\, John,OU=People,DC=x", true)]
    [InlineData(@"CN=a\+b,DC=x", "CN=a+SN=b,DC=x", false)]
    [InlineData("CN=Alice+UID=alice,DC=x", "uid=ALICE+cn=alice,dc=x", true)]
    [InlineData(@"CN=Semi\;colon;DC=x", @"CN=Semi\3Bcolon,DC=x", true)]
    [InlineData(@"CN=\#hash,DC=x", @"CN=\23hash,DC=x", true)]
    public void Escaped_separators_stay_inside_their_value(string a, string b, bool equal)
    {
        Assert.Equal(equal, DistinguishedNames.AreEqual(a, b));
    }

    [Theory]
    [InlineData(@"CN=Doe\, John,OU=People,DC=x", "OU=People,DC=x", true)]
    [InlineData(@"CN=x\,OU=People,DC=x", "OU=People,DC=x", false)] // one RDN whose value ends in ",OU=People"
    [InlineData(@"CN=Alice,OU=Doe\, John,DC=x", @"ou=doe\2C john,dc=x", true)]
    [InlineData(@"CN=Alice,OU=Doe\, John,DC=x", "OU=John,DC=x", false)]
    public void Under_compares_whole_rdns(string dn, string baseDn, bool under)
    {
        Assert.Equal(under, DistinguishedNames.IsUnder(dn, baseDn));
    }

    [Theory]
    [InlineData(@"CN=broken\")]
    [InlineData(@"CN=""never closed,DC=x")]
    [InlineData("no equals sign")]
    public void A_malformed_dn_compares_by_its_text_and_never_throws(string dn)
    {
        Assert.True(DistinguishedNames.AreEqual(dn, dn.ToUpperInvariant()));
        Assert.False(DistinguishedNames.AreEqual(dn, "CN=other,DC=x"));
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
