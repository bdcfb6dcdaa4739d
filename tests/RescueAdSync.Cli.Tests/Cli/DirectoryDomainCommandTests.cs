using RescueAdSync.Cli.Tests.Infrastructure;

namespace RescueAdSync.Cli.Tests.Cli;

/// <summary><c>adsync directory set --domain</c>: a connection whose domain controllers are found in DNS (named connections only).</summary>
[Collection(ConfigStackCollection.Name)]
public sealed class DirectoryDomainCommandTests(ConfigStack stack)
{
    private static string NewName() => $"dom-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task Directory_set_with_a_domain_stores_it_with_its_base_dn_and_server_urls_replace_it_again()
    {
        var name = NewName();
        var set = await stack.RunCliWithInputAsync("Domain-Bind-Secret\n", "directory", "set", "--name", name, "--domain", "corp.example.com",
            "--site", "Paris", "--dns-server", "192.0.2.53", "--tls", "Ldaps", "--bind-dn", "adsync@corp.example.com", "--json");
        set.AssertExit(0);
        var json = set.Json();
        Assert.Equal(("corp.example.com", "Paris", "192.0.2.53", "DC=corp,DC=example,DC=com", 0),
            (json.GetProperty("domain").GetString(), json.GetProperty("site").GetString(), json.GetProperty("dnsServer").GetString(),
             json.GetProperty("baseDn").GetString(), json.GetProperty("serverUrls").GetArrayLength()));

        var show = await stack.RunCliAsync("directory", "show", "--name", name);
        show.AssertExit(0);
        Assert.Matches(@"Domain\s+corp\.example\.com \(domain controllers found in DNS\)", show.Stdout);
        Assert.Matches(@"Site\s+Paris", show.Stdout);
        Assert.Matches(@"DNS server\s+192\.0\.2\.53", show.Stdout);
        Assert.Matches(@"Base DN\s+DC=corp,DC=example,DC=com", show.Stdout);
        Assert.DoesNotContain("Domain-Bind-Secret", set.Stdout + set.Stderr + show.Stdout + show.Stderr);
        Assert.Contains("domain corp.example.com (DNS)", (await stack.RunCliAsync("directory", "list")).Stdout);

        // Server URLs instead: the domain, site and DNS server go, the rest stays.
        var urls = await stack.RunCliAsync("directory", "set", "--name", name, "--server", "ldaps://dc1.corp.example.com", "--keep-secrets", "--json");
        urls.AssertExit(0);
        var switched = urls.Json();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, switched.GetProperty("domain").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, switched.GetProperty("site").ValueKind);
        Assert.Equal("ldaps://dc1.corp.example.com", switched.GetProperty("serverUrls")[0].GetString());
        Assert.Equal("DC=corp,DC=example,DC=com", switched.GetProperty("baseDn").GetString());

        (await stack.RunCliAsync("directory", "remove", name)).AssertExit(0);
    }

    [Fact]
    public async Task Directory_set_with_both_a_domain_and_a_server_exits_1_before_asking_anything()
    {
        var result = await stack.RunCliAsync("directory", "set", "--name", NewName(), "--domain", "corp.example.com",
            "--server", "ldaps://dc1.corp.example.com", "--keep-secrets");

        result.AssertExit(1);
        Assert.Contains("--domain and --server", result.Stderr);
    }

    [Fact]
    public async Task Directory_set_with_a_bad_domain_or_dns_server_exits_1_and_names_the_field()
    {
        var badDomain = await stack.RunCliWithInputAsync("pw\n", "directory", "set", "--name", NewName(), "--domain", "corp example.com",
            "--tls", "Ldaps", "--bind-dn", "adsync@corp.example.com");
        badDomain.AssertExit(1);
        Assert.Contains("Must be a DNS domain name", badDomain.Stderr);

        var badDns = await stack.RunCliWithInputAsync("pw\n", "directory", "set", "--name", NewName(), "--domain", "corp.example.com",
            "--dns-server", "dns.corp.example.com", "--tls", "Ldaps", "--bind-dn", "adsync@corp.example.com");
        badDns.AssertExit(1);
        Assert.Contains("dnsServer", badDns.Stderr);
    }
}
