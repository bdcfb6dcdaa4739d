using RescueAdSync.AdReader.Ldap;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.UnitTests.Reader;

public sealed class LdapFilterTests
{
    [Theory]
    [InlineData("cn=techs,ou=groups,dc=example,dc=org", "cn=techs,ou=groups,dc=example,dc=org")]
    [InlineData("a*b", "a\\2ab")]
    [InlineData("(x)", "\\28x\\29")]
    [InlineData("back\\slash", "back\\5cslash")]
    [InlineData("nul\0", "nul\\00")]
    [InlineData("CN=Smith\\, John,OU=x", "CN=Smith\\5c, John,OU=x")]
    [InlineData("Ünïcödé", "Ünïcödé")]
    [InlineData("Zoë", "Zoë")]
    public void Values_are_escaped_per_rfc_4515(string value, string expected)
    {
        Assert.Equal(expected, LdapEscape.FilterValue(value));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("x)(objectClass=*")]
    [InlineData("x))(|(cn=*")]
    [InlineData("cn=techs)(|(memberOf=*")]
    public void Injection_attempts_cannot_change_the_filter_shape(string groupDn)
    {
        var escaped = LdapEscape.FilterValue(groupDn);

        // Whatever the value, the filter is the fixed template with an escaped value that has no filter syntax left.
        Assert.Equal($"(&(memberOf={escaped})(!(objectClass=groupOfNames))(!(objectClass=groupOfUniqueNames)))", LdapFilter.OpenLdapMembers(groupDn));
        Assert.DoesNotContain('(', escaped);
        Assert.DoesNotContain(')', escaped);
        Assert.DoesNotContain('*', escaped);
    }

    [Fact]
    public void OpenLdap_members_of_several_groups_are_one_or_filter_that_excludes_groups()
    {
        Assert.Equal("(&(|(memberOf=cn=a,dc=x)(memberOf=cn=b\\2a,dc=x))(!(objectClass=groupOfNames))(!(objectClass=groupOfUniqueNames)))",
            LdapFilter.OpenLdapMembers(["cn=a,dc=x", "cn=b*,dc=x"]));
        Assert.Equal("(&(memberOf=cn=a,dc=x)(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)))", LdapFilter.OpenLdapSubgroups("cn=a,dc=x"));
    }

    [Fact]
    public void Active_directory_filter_excludes_computers_and_escapes_the_group()
    {
        Assert.Equal("(&(objectClass=user)(!(objectClass=computer))(memberOf=cn=a\\2a,dc=x))", LdapFilter.ActiveDirectoryMembers("cn=a*,dc=x"));
        Assert.Equal("(&(objectClass=user)(!(objectClass=computer))(memberOf:1.2.840.113556.1.4.1941:=cn=a\\28,dc=x))",
            LdapFilter.ActiveDirectoryNestedMembers("cn=a(,dc=x"));
    }

    [Fact]
    public void Bytes_are_escaped_one_by_one()
    {
        Assert.Equal("\\00\\ff\\2a", LdapEscape.FilterBytes([0x00, 0xff, 0x2a]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("cn=x\n,dc=y")]
    [InlineData("cn=x\0,dc=y")]
    public void Unsafe_dns_are_refused_with_a_reason(string dn)
    {
        var error = Assert.Throws<DirectoryReadException>(() => LdapFilter.RequireSafeDn(dn, "group DN"));
        Assert.Contains("group DN", error.Message);
    }

    [Fact]
    public void Oversized_dns_are_refused()
    {
        Assert.Throws<DirectoryReadException>(() => LdapFilter.RequireSafeDn("cn=" + new string('a', LdapFilter.MaxValueLength), "group DN"));
    }
}
