using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.TestInfrastructure;

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
            "--server", "ldaps://ldap1.example.org:636", "--server", "ldaps://ldap2.example.org:636", "--tls", "Ldaps",
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
    public async Task Directory_set_with_Kerberos_takes_the_keytab_from_stdin_or_a_file_and_reads_no_password()
    {
        const string name = "kerberos-cli";
        var keytab = TestKeytab.Create("rescue-sync@CORP.EXAMPLE.COM");
        var set = await stack.RunCliWithBytesAsync(keytab, "directory", "set", "--name", name, "--kind", "ActiveDirectory",
            "--server", "ldap://dc1.corp.example.com", "--base-dn", "DC=corp,DC=example,DC=com",
            "--auth", "Kerberos", "--principal", "rescue-sync@CORP.EXAMPLE.COM", "--keytab-stdin");
        set.AssertExit(0);
        Assert.Matches(@"Authentication\s+Kerberos", set.Stdout);
        Assert.Matches(@"Kerberos principal\s+rescue-sync@CORP.EXAMPLE.COM", set.Stdout);
        Assert.Matches(@"Keytab\s+set", set.Stdout);
        Assert.DoesNotContain(Convert.ToBase64String(keytab), set.Stdout + set.Stderr);
        var json = (await stack.RunCliAsync("directory", "show", "--name", name, "--json")).Json();
        Assert.Equal(("Kerberos", true, false), (json.GetProperty("auth").GetString(), json.GetProperty("keytabSet").GetBoolean(), json.GetProperty("bindPasswordSet").GetBoolean()));

        // A keytab of another principal is refused by the config service, naming the principals it holds.
        var other = Path.Combine(Path.GetTempPath(), $"other-{Guid.NewGuid():N}.keytab");
        await File.WriteAllBytesAsync(other, TestKeytab.Create("someone@CORP.EXAMPLE.COM"));
        try
        {
            var refused = await stack.RunCliAsync("directory", "set", "--name", name, "--keytab", other);
            refused.AssertExit(1);
            Assert.Contains("holds no key of rescue-sync@CORP.EXAMPLE.COM", refused.Stderr);
            Assert.Contains("someone@CORP.EXAMPLE.COM", refused.Stderr);
        }
        finally
        {
            File.Delete(other);
        }

        // Keytab options without --auth Kerberos are a usage error, before anything is sent.
        var simple = await stack.RunCliAsync("directory", "set", "--name", "plain-cli", "--auth", "Simple", "--keytab", "/nonexistent");
        simple.AssertExit(1);
        Assert.Contains("need --auth Kerberos", simple.Stderr);
    }

    [Fact]
    public async Task Directory_set_with_a_bad_url_exits_1_and_names_the_field()
    {
        var result = await stack.RunCliWithInputAsync("pw\n", "directory", "set", "--kind", "ActiveDirectory",
            "--server", "http://not-ldap.example.org", "--bind-dn", "sync@corp.example.org", "--base-dn", "DC=corp,DC=example,DC=org");

        result.AssertExit(1);
        Assert.Contains("serverUrls[0]", result.Stderr);
    }

    [Fact]
    public async Task Named_directory_set_with_tls_ca_bundle_and_status_attribute_then_list_show_and_remove()
    {
        var name = $"branch-{Guid.NewGuid():N}"[..20];
        var pem = Path.Combine(Path.GetTempPath(), $"adsync-cli-ca-{Guid.NewGuid():N}.pem");
        using (var key = System.Security.Cryptography.ECDsa.Create())
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=CLI Test CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
            using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllTextAsync(pem, ca.ExportCertificatePem());
        }

        try
        {
            var set = await stack.RunCliWithInputAsync("Branch-Bind-Secret\n", "directory", "set", "--name", name, "--kind", "OpenLdap",
                "--server", "ldap://ldap.branch.example.org", "--tls", "StartTls", "--ca-bundle", pem, "--disabled-attribute", "pwdAccountLockedTime",
                "--reconcile-minutes", "90", "--bind-dn", "cn=sync,dc=branch,dc=example,dc=org", "--base-dn", "dc=branch,dc=example,dc=org", "--json");
            set.AssertExit(0);
            var json = set.Json();
            Assert.Equal((name, "StartTls", "pwdAccountLockedTime", 90),
                (json.GetProperty("name").GetString(), json.GetProperty("tlsMode").GetString(), json.GetProperty("disabledAttribute").GetString(),
                 json.GetProperty("reconcileMinutes").GetInt32()));
            Assert.Contains("BEGIN CERTIFICATE", json.GetProperty("caBundlePem").GetString());

            var show = await stack.RunCliAsync("directory", "show", "--name", name);
            show.AssertExit(0);
            Assert.Matches(@"TLS\s+StartTls", show.Stdout);
            Assert.Matches(@"CA bundle\s+set", show.Stdout);
            Assert.DoesNotContain("Branch-Bind-Secret", set.Stdout + set.Stderr + show.Stdout + show.Stderr);
            Assert.Contains(name, (await stack.RunCliAsync("directory", "list")).Stdout);

            // Only what is given changes: the stored CA bundle and password stay, then the bundle is dropped.
            var keep = await stack.RunCliAsync("directory", "set", "--name", name, "--reconcile-minutes", "30", "--keep-secrets", "--json");
            keep.AssertExit(0);
            Assert.Contains("BEGIN CERTIFICATE", keep.Json().GetProperty("caBundlePem").GetString());
            var insecureWithCa = await stack.RunCliAsync("directory", "set", "--name", name, "--allow-insecure-tls", "true", "--keep-secrets");
            insecureWithCa.AssertExit(1);
            Assert.Contains("allowInsecureTls", insecureWithCa.Stderr);

            (await stack.RunCliAsync("directory", "remove", name)).AssertExit(0);
            (await stack.RunCliAsync("directory", "show", "--name", name)).AssertExit(3);
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Fact]
    public async Task Directory_set_with_an_unreadable_ca_bundle_exits_1()
    {
        var result = await stack.RunCliAsync("directory", "set", "--name", "nothing-here", "--ca-bundle", "/nonexistent/ca.pem", "--keep-secrets");

        result.AssertExit(1);
        Assert.Contains("--ca-bundle", result.Stderr);
    }
}
