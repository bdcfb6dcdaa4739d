using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.UnitTests.ServiceDefaults;

public sealed class DomainControllerLocatorTests
{
    [Theory]
    [InlineData("corp.example.com", "DC=corp,DC=example,DC=com")]
    [InlineData("Example.ORG.", "DC=example,DC=org")]
    [InlineData("corp", "DC=corp")]
    public void The_base_dn_of_a_domain_is_its_labels_as_domain_components(string domain, string baseDn)
    {
        Assert.Equal(baseDn, DomainControllerLocator.BaseDnOf(domain));
    }

    [Theory]
    [InlineData("corp.example.com", true)]
    [InlineData("corp.example.com.", true)]
    [InlineData("ad-1.example.org", true)]
    [InlineData("-corp.example.com", false)]
    [InlineData("corp..example.com", false)]
    [InlineData("corp example.com", false)]
    [InlineData("corp_example.com", false)]
    [InlineData("ldap://corp.example.com", false)]
    public void A_domain_must_be_a_dns_name(string domain, bool valid)
    {
        Assert.Equal(valid, DomainControllerLocator.IsValidDomain(domain));
    }

    [Theory]
    [InlineData("Default-First-Site-Name", true)]
    [InlineData("paris", true)]
    [InlineData("paris.north", false)]
    [InlineData("-paris", false)]
    public void A_site_is_one_dns_label(string site, bool valid)
    {
        Assert.Equal(valid, DomainControllerLocator.IsValidSite(site));
    }

    [Theory]
    [InlineData("192.0.2.53", "192.0.2.53:53")]
    [InlineData("192.0.2.53:5353", "192.0.2.53:5353")]
    [InlineData("2001:db8::53", "[2001:db8::53]:53")]
    [InlineData("[2001:db8::53]:5353", "[2001:db8::53]:5353")]
    public void A_dns_server_is_an_ip_with_an_optional_port_53_by_default(string text, string endpoint)
    {
        Assert.True(DomainControllerLocator.TryParseDnsServer(text, out var parsed));
        Assert.Equal(IPEndPoint.Parse(endpoint), parsed);
    }

    [Theory]
    [InlineData("dns.example.com")]
    [InlineData("192.0.2.53:0")]
    [InlineData("192.0.2.53:70000")]
    [InlineData("192.0.2")]
    [InlineData("")]
    public void A_dns_server_that_is_not_an_ip_is_refused(string text)
    {
        Assert.False(DomainControllerLocator.TryParseDnsServer(text, out _));
    }

    [Fact]
    public void Server_urls_are_tried_as_given_with_the_last_good_one_first_and_dns_is_not_asked()
    {
        var locator = new DomainControllerLocator(TimeProvider.System, NullLogger<DomainControllerLocator>.Instance);
        var settings = new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, ["ldap://a:389", "ldap://b:389", "ldap://c:389"], "u", "p", "DC=x");

        Assert.Equal(["ldap://a:389", "ldap://b:389", "ldap://c:389"], locator.Candidates(settings));
        Assert.Equal(["ldap://b:389", "ldap://a:389", "ldap://c:389"], locator.Candidates(settings, preferred: "ldap://b:389"));
    }
}
