using System.DirectoryServices.Protocols;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.UnitTests.ServiceDefaults;

/// <summary>
/// Kerberos failures that a test domain controller cannot be made to give (a clock five minutes off, an expired
/// password) are recognised by the words MIT Kerberos puts into libldap's SASL diagnostic, as the DC-backed tests
/// see them for a wrong keytab or an unknown principal.
/// </summary>
public sealed class KerberosFailureTests
{
    private static readonly DirectoryConnectionSettings Settings = new(DirectoryKind.ActiveDirectory, ["ldap://dc1.corp.example.com"], "", "",
        "DC=corp,DC=example,DC=com", Auth: DirectoryAuth.Kerberos, KerberosPrincipal: "rescue-sync@CORP.EXAMPLE.COM");

    private static string Describe(string minor) => LdapFailureReason.Describe("ldap://dc1.corp.example.com",
        new LdapException(82, "A local error occurred.",
            $"SASL(-1): generic failure: GSSAPI Error: Unspecified GSS failure.  Minor code may provide more information ({minor})"), Settings);

    [Theory]
    [InlineData("Clock skew too great", "synchronise this host's clock")]
    [InlineData("Password has expired", "the password of rescue-sync@CORP.EXAMPLE.COM has expired")]
    [InlineData("Preauthentication failed", "export a new keytab and give it")]
    [InlineData("Client 'rescue-sync@CORP.EXAMPLE.COM' not found in Kerberos database", "the domain's KDC knows no principal rescue-sync@CORP.EXAMPLE.COM")]
    [InlineData("Client's credentials have been revoked", "is disabled, expired or locked out")]
    [InlineData("Server not found in Kerberos database", "not its IP address or an alias")]
    [InlineData("Cannot contact any KDC for realm 'CORP.EXAMPLE.COM'", "no KDC of realm CORP.EXAMPLE.COM could be reached")]
    public void Each_Kerberos_failure_names_what_to_do(string minor, string advice)
    {
        var text = Describe(minor);
        Assert.Contains(advice, text, StringComparison.Ordinal);
        Assert.Contains(minor, text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_simple_bind_gets_no_Kerberos_advice()
    {
        var simple = Settings with { Auth = DirectoryAuth.Simple, BindDn = "CN=sync", BindPassword = "pw" };
        var text = LdapFailureReason.Describe("ldap://dc1", new LdapException(49, "The supplied credential is invalid.", "80090308: LdapErr"), simple);
        Assert.DoesNotContain("Kerberos:", text, StringComparison.Ordinal);
    }
}
