using RescueAdSync.Config.Directories;

namespace RescueAdSync.Config.Tests;

/// <summary>Plain LDAP is accepted without a warning only to a server on this host: the bind password never leaves it.</summary>
public sealed class DirectoryPreflightHostTests
{
    [Theory]
    [InlineData("ldap://localhost", true)]
    [InlineData("ldap://LOCALHOST:389", true)]
    [InlineData("ldap://127.0.0.1:10389", true)]
    [InlineData("ldap://127.0.0.47", true)]
    [InlineData("ldap://[::1]:389", true)]
    [InlineData("ldap://192.0.2.10", false)]
    [InlineData("ldap://10.0.0.5:389", false)]
    [InlineData("ldap://dc1.corp.example.com", false)]
    [InlineData("ldap://localhost.example.com", false)]
    [InlineData("ldap://[2001:db8::1]", false)]
    [InlineData("not a url", false)]
    public void Only_localhost_and_loopback_addresses_count_as_this_host(string url, bool onThisHost) =>
        Assert.Equal(onThisHost, DirectoryPreflight.IsOnThisHost(url));
}
