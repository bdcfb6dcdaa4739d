using RescueAdSync.ServiceDefaults.Ldap;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Config.Tests;

/// <summary>The services give GSSAPI a keytab of the configured principal alone: GSSAPI initiates as a keytab's first principal.</summary>
public sealed class KeytabReaderTests
{
    [Fact]
    public void Only_the_configured_principals_keys_are_kept_from_a_keytab()
    {
        var keytab = TestKeytab.Create("other@CORP.EXAMPLE.COM", "rescue-sync@CORP.EXAMPLE.COM", "HTTP/web.corp.example.com@CORP.EXAMPLE.COM");
        Assert.Equal(["other@CORP.EXAMPLE.COM", "rescue-sync@CORP.EXAMPLE.COM", "HTTP/web.corp.example.com@CORP.EXAMPLE.COM"],
            KeytabReader.Read(keytab).Select(e => e.Principal));
        var only = KeytabReader.Only(keytab, "RESCUE-SYNC@corp.example.com");
        var entry = Assert.Single(KeytabReader.Read(only));
        Assert.Equal(("rescue-sync@CORP.EXAMPLE.COM", 18, 2u), (entry.Principal, entry.EncryptionType, entry.KeyVersion));
        var missing = Assert.Throws<FormatException>(() => KeytabReader.Only(keytab, "nobody@CORP.EXAMPLE.COM"));
        Assert.Contains("holds keys of other@CORP.EXAMPLE.COM, rescue-sync@CORP.EXAMPLE.COM, HTTP/web.corp.example.com@CORP.EXAMPLE.COM", missing.Message, StringComparison.Ordinal);
    }
}
