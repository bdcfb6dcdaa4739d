using RescueAdSync.Cli.Tests.Infrastructure;

namespace RescueAdSync.Cli.Tests.Cli;

/// <summary>The two singletons (account, directory): only this class writes them (the account with the stack's own values).</summary>
[Collection(ConfigStackCollection.Name)]
public sealed class AccountAndDirectoryCommandTests(ConfigStack stack)
{
    [Fact]
    public async Task Account_set_reads_secrets_from_stdin_and_show_reports_them_only_as_set()
    {
        const string mahPassword = ConfigStack.MahPassword;
        const string defaultPassword = ConfigStack.DefaultPassword;
        var set = await stack.RunCliWithInputAsync($"{mahPassword}\n{stack.ServiceToken}\n{defaultPassword}\n",
            "account", "set", "--api-url", stack.EmulatorApiUrl, "--email", "mah@example.org");
        set.AssertExit(0);

        var show = await stack.RunCliAsync("account", "show");
        show.AssertExit(0);
        Assert.Contains("mah@example.org", show.Stdout);
        Assert.Matches(@"Service token\s+set", show.Stdout);
        Assert.Matches(@"Default password\s+set", show.Stdout);

        var json = (await stack.RunCliAsync("account", "show", "--json")).Json();
        Assert.Equal(stack.EmulatorApiUrl, json.GetProperty("apiBaseUrl").GetString());
        Assert.True(json.GetProperty("serviceTokenSet").GetBoolean());
        Assert.True(json.GetProperty("mahPasswordSet").GetBoolean());

        foreach (var output in new[] { set, show })
        {
            Assert.DoesNotContain(stack.ServiceToken, output.Stdout + output.Stderr);
            Assert.DoesNotContain(mahPassword, output.Stdout + output.Stderr);
            Assert.DoesNotContain(defaultPassword, output.Stdout + output.Stderr);
            Assert.DoesNotContain(stack.AdminKey, output.Stdout + output.Stderr);
        }

        // Changing only the email keeps every stored secret: nothing is read from stdin.
        var keep = await stack.RunCliAsync("account", "set", "--email", "mah@example.org", "--keep-secrets", "--json");
        keep.AssertExit(0);
        Assert.True(keep.Json().GetProperty("defaultPasswordSet").GetBoolean());
    }

    [Fact]
    public async Task Account_set_refuses_a_secret_given_as_an_argument()
    {
        var result = await stack.RunCliAsync("account", "set", "--service-token", "abc");

        result.AssertExit(1);
        Assert.Contains("--service-token", result.Stderr);
        Assert.Contains("never accepted", (await stack.RunCliAsync("account", "set", "--help")).Stdout);
    }

    [Fact]
    public async Task Directory_set_then_show_never_prints_the_bind_password()
    {
        const string bindPassword = "Bind-Secret-42";
        var set = await stack.RunCliWithInputAsync($"{bindPassword}\n", "directory", "set", "--kind", "OpenLdap",
            "--server", "ldap://ldap1.example.org:389", "--server", "ldaps://ldap2.example.org:636",
            "--bind-dn", "cn=sync,dc=example,dc=org", "--base-dn", "dc=example,dc=org", "--poll-interval", "5");
        set.AssertExit(0);

        var show = await stack.RunCliAsync("directory", "show");
        show.AssertExit(0);
        Assert.Contains("ldaps://ldap2.example.org:636", show.Stdout);
        Assert.Matches(@"Bind password\s+set", show.Stdout);
        Assert.DoesNotContain(bindPassword, set.Stdout + set.Stderr + show.Stdout + show.Stderr);

        var json = (await stack.RunCliAsync("directory", "show", "--json")).Json();
        Assert.Equal("OpenLdap", json.GetProperty("kind").GetString());
        Assert.Equal(2, json.GetProperty("serverUrls").GetArrayLength());
        Assert.Equal(5, json.GetProperty("pollIntervalSeconds").GetInt32());
    }

    [Fact]
    public async Task Directory_set_with_a_bad_url_exits_1_and_names_the_field()
    {
        var result = await stack.RunCliWithInputAsync("pw\n", "directory", "set", "--kind", "ActiveDirectory",
            "--server", "http://not-ldap.example.org", "--bind-dn", "sync@corp.example.org", "--base-dn", "DC=corp,DC=example,DC=org");

        result.AssertExit(1);
        Assert.Contains("serverUrls[0]", result.Stderr);
    }
}
