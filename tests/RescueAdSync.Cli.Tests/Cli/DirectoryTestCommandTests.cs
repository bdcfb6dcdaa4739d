using System.DirectoryServices.Protocols;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Cli.Tests.WebUi;
using RescueAdSync.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace RescueAdSync.Cli.Tests.Cli;

/// <summary><c>adsync directory test</c> against a real slapd: one line per check, the fix under a failure, the exit code.</summary>
[Collection(ConfigStackCollection.Name)]
public sealed class DirectoryTestCommandTests(ConfigStack stack) : IAsyncLifetime
{
    private SlapdServer? _slapd;

    private SlapdServer Slapd => _slapd ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _slapd = await SlapdServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_slapd is not null)
        {
            await _slapd.DisposeAsync();
        }
    }

    [Fact]
    public async Task Directory_test_prints_a_line_per_check_and_exits_0_when_all_pass_then_8_with_the_fix_when_the_group_is_gone()
    {
        var name = $"pre-{Guid.NewGuid():N}"[..16];
        var group = $"cn=Desk,{Slapd.GroupsDn}";
        using (var ldap = Bind())
        {
            ldap.SendRequest(new AddRequest(group, new DirectoryAttribute("objectClass", "groupOfNames"), new DirectoryAttribute("cn", "Desk"),
                new DirectoryAttribute("member", Slapd.AdminDn)));
        }
        var set = await stack.RunCliWithInputAsync($"{Slapd.AdminPassword}\n", "directory", "set", "--name", name, "--kind", "OpenLdap",
            "--server", Slapd.Url, "--bind-dn", Slapd.AdminDn, "--base-dn", Slapd.BaseDn);
        set.AssertExit(0);
        Assert.Contains($"PASS  server       {Slapd.Url} answered in", set.Stdout, StringComparison.Ordinal);
        var technicianGroup = await stack.CreateTechnicianGroupAsync($"Desk {name}");
        var mapping = await stack.RunCliAsync("mapping", "add", "--group", group, "--technician-group", technicianGroup.ToString(), "--directory", name, "--json");
        mapping.AssertExit(0);
        var mappingId = mapping.Json().GetProperty("id").GetGuid();

        var good = await stack.RunCliAsync("directory", "test", "--name", name);
        good.AssertExit(0);
        var lines = good.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["PASS  server", "PASS  tls", "PASS  bind", "PASS  base-dn", "PASS  context-csn", "PASS  accesslog", "PASS  mapping"],
            lines.Take(7).Select(line => string.Join("  ", line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2))));
        Assert.Contains($"the server sees dn:{Slapd.AdminDn}", good.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Mapping {mappingId}: group {group} found, 1 direct member(s).", good.Stdout, StringComparison.Ordinal);
        Assert.Contains("every check passed", good.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("fix:", good.Stdout, StringComparison.Ordinal);

        using (var ldap = Bind())
        {
            ldap.SendRequest(new DeleteRequest(group));
        }
        var broken = await stack.RunCliAsync("directory", "test", "--name", name);
        broken.AssertExit(8);
        Assert.Contains($"FAIL  mapping      Mapping {mappingId}: group {group} not found", broken.Stdout, StringComparison.Ordinal);
        Assert.Contains($"fix: Point the mapping at an existing group: adsync mapping update {mappingId} --group <DN>", broken.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 failed, 0 warning(s)", broken.Stdout, StringComparison.Ordinal);

        var json = (await stack.RunCliAsync("directory", "test", "--name", name, "--json")).Json();
        Assert.Equal("Fail", json.GetProperty("status").GetString());
        Assert.Contains(json.GetProperty("checks").EnumerateArray(), check => check.GetProperty("check").GetString() == "mapping"
            && check.GetProperty("status").GetString() == "Fail" && check.GetProperty("fix").GetString()!.Contains("adsync mapping update", StringComparison.Ordinal));

        (await stack.RunCliAsync("mapping", "remove", mappingId.ToString())).AssertExit(0);
        (await stack.RunCliAsync("directory", "remove", name)).AssertExit(0);
        var gone = await stack.RunCliAsync("directory", "test", "--name", name);
        gone.AssertExit(3);
        Assert.Contains("adsync directory set --name", gone.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_page_tests_a_chosen_connection_and_shows_each_check_with_its_fix()
    {
        var name = $"web-{Guid.NewGuid():N}"[..16];
        // The right server and a wrong password: the bind line fails and says what to do.
        var set = await stack.RunCliWithInputAsync("not-the-password\n", "directory", "set", "--name", name, "--kind", "OpenLdap",
            "--server", Slapd.Url, "--bind-dn", Slapd.AdminDn, "--base-dn", Slapd.BaseDn);
        set.AssertExit(0);
        try
        {
            await using var chromium = await HeadlessChromium.LaunchAsync();
            var page = await chromium.Browser.NewPageAsync();
            await page.GotoAsync($"{stack.ConfigUrl}/admin/");
            await page.FillAsync("#api-key", stack.AdminKey);
            await page.ClickAsync("#login-form button[type='submit']");
            await page.ClickAsync("nav .tab[data-tab='settings']");
            await Expect(page.Locator($"#directory-test-name option[value='{name}']")).ToHaveCountAsync(1);
            await page.SelectOptionAsync("#directory-test-name", name);
            await page.ClickAsync("#directory-test");

            var rows = page.Locator("#directory-test-table tbody tr");
            await Expect(rows).ToHaveCountAsync(3);
            await Expect(rows.Nth(0).Locator("td")).ToHaveTextAsync(new Regex[]
            {
                new("^PASS$"), new("^server$"), new($"^{Regex.Escape(Slapd.Url)} answered in \\d+ ms$"), new("^$"),
            });
            await Expect(rows.Nth(2).Locator("td").Nth(0)).ToHaveTextAsync("FAIL");
            await Expect(rows.Nth(2).Locator("td").Nth(2)).ToContainTextAsync("The supplied credential is invalid");
            await Expect(rows.Nth(2).Locator("td").Nth(3)).ToContainTextAsync("adsync directory set --bind-dn");
            await Expect(page.Locator("#directory-test-summary")).ToHaveTextAsync($"{name}: 1 failed, 0 warning(s).");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestResultsFolder.Get("screenshots"), "admin-directory-test.png"), FullPage = true });
            Assert.DoesNotContain("not-the-password", await page.ContentAsync(), StringComparison.Ordinal);
        }
        finally
        {
            (await stack.RunCliAsync("directory", "remove", name)).AssertExit(0);
        }
    }

    private LdapConnection Bind()
    {
        var uri = new Uri(Slapd.Url);
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.Port), new NetworkCredential(Slapd.AdminDn, Slapd.AdminPassword), AuthType.Basic)
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.Bind();
        return connection;
    }
}
