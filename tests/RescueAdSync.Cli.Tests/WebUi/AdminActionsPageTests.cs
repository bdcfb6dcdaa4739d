using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using static Microsoft.Playwright.Assertions;

namespace RescueAdSync.Cli.Tests.WebUi;

/// <summary>
/// The admin page's on-demand actions (full resync, provision a user now) in a real headless Chromium against the real
/// config service. The reader's and the provisioner's parts are played with their keys, as the services do it (the real
/// services run both in the integration tests).
/// </summary>
[Collection(ConfigStackCollection.Name)]
public sealed class AdminActionsPageTests(ConfigStack stack) : IAsyncLifetime
{
    private HeadlessChromium? _chromium;
    private IBrowserContext? _context;

    private IBrowserContext Context => _context ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        _chromium = await HeadlessChromium.LaunchAsync();
        _context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 950 } });
    }

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }

    [Fact]
    public async Task Admin_resyncs_a_mapping_after_confirming_and_sees_it_done()
    {
        var group = $"CN=ResyncPage-{Guid.NewGuid():N},OU=Groups,DC=corp,DC=example,DC=org";
        var (mapping, _) = await stack.AddMappingAsync(group);
        using var reader = Client(stack.ReaderKey);
        var page = await OpenActionsAsync();

        await Expect(page.Locator("#resync-result")).ToBeHiddenAsync();
        await Expect(page.Locator("#provision-result")).ToBeHiddenAsync();
        await page.SelectOptionAsync("#resync-mapping", mapping.ToString());
        await page.ClickAsync("#resync-form button[type='submit']");
        await Expect(page.Locator("#resync-confirm")).ToBeVisibleAsync();
        await Expect(page.Locator("#resync-confirm-text")).ToContainTextAsync(group);
        // Cancel asks for nothing.
        await page.ClickAsync("#resync-no");
        await Expect(page.Locator("#resync-confirm")).ToBeHiddenAsync();
        Assert.Null((await reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping}"))!.ResyncRequestId);

        await page.ClickAsync("#resync-form button[type='submit']");
        await page.ClickAsync("#resync-yes");
        var result = page.Locator("#resync-result");
        await Expect(result).ToContainTextAsync("waiting for the reader");
        await Expect(page.Locator("#message")).ToContainTextAsync("Resync of");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-resync-pending.png"), FullPage = true });

        // The reader's cycle: it sees the request with the mapping and reports it done.
        var id = await WaitForAsync(async () => (await reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping}"))!.ResyncRequestId);
        (await reader.PostAsJsonAsync($"/api/resync-requests/{id}/done", new ResyncCompletion(17))).EnsureSuccessStatusCode();

        await Expect(result).ToContainTextAsync("Done");
        await Expect(result).ToContainTextAsync("Users republished17");
        await Expect(result).ToContainTextAsync($"{id}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-resync-done.png"), FullPage = true });
    }

    [Fact]
    public async Task Admin_provisions_a_user_now_and_sees_the_result_or_the_error()
    {
        var group = $"CN=ProvisionPage-{Guid.NewGuid():N},OU=Groups,DC=corp,DC=example,DC=org";
        var (mapping, _) = await stack.AddMappingAsync(group);
        var user = $"jdoe-{Guid.NewGuid():N}"[..16];
        using var reader = Client(stack.ReaderKey);
        using var provisioner = Client(stack.ProvisionerKey);
        var page = await OpenActionsAsync();

        // Bad input gets a clear message: a blank user, and no mapping named while several are enabled.
        await page.FillAsync("#provision-user", "   ");
        await page.ClickAsync("#provision-form button[type='submit']");
        await Expect(page.Locator("#message")).ToContainTextAsync("Name the user");
        await page.FillAsync("#provision-user", user);
        await page.SelectOptionAsync("#provision-mapping", "");
        await page.ClickAsync("#provision-form button[type='submit']");
        await Expect(page.Locator("#message")).ToContainTextAsync("Several mappings are enabled");

        // Done: the reader publishes the user's state, the provisioner reports what it did.
        await page.SelectOptionAsync("#provision-mapping", mapping.ToString());
        await page.ClickAsync("#provision-form button[type='submit']");
        var result = page.Locator("#provision-result");
        await Expect(result).ToContainTextAsync("waiting for the reader");
        var request = await WaitForAsync(async () => (await reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping}"))!
            .ProvisionRequests?.SingleOrDefault(r => r.User == user));
        (await reader.PostAsJsonAsync($"/api/provision-requests/{request.Id}/published", new ProvisionPublished("uuid-page-1"))).EnsureSuccessStatusCode();
        await Expect(result).ToContainTextAsync("the provisioner is applying it");
        (await provisioner.PostAsJsonAsync($"/api/provision-requests/{request.Id}/result", new ProvisionOutcome("Created", 4242))).EnsureSuccessStatusCode();
        await Expect(result).ToContainTextAsync("StatusDone");
        await Expect(result).ToContainTextAsync("created: a new technician");
        await Expect(result).ToContainTextAsync("Technician node4242");
        await Expect(result).ToContainTextAsync("Directory useruuid-page-1");
        await Expect(page.Locator("#message")).ToContainTextAsync($"Provisioned '{user}': Created.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-provision-done.png"), FullPage = true });

        // Failed: the reader does not find the user; the error is shown as it arrives.
        await page.FillAsync("#provision-user", "ghost-" + user);
        await page.ClickAsync("#provision-form button[type='submit']");
        var ghost = await WaitForAsync(async () => (await reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping}"))!
            .ProvisionRequests?.SingleOrDefault(r => r.User == "ghost-" + user));
        (await reader.PostAsJsonAsync($"/api/provision-requests/{ghost.Id}/failed",
            new ProvisionFailure($"No user 'ghost-{user}' in the directory."))).EnsureSuccessStatusCode();
        await Expect(result).ToContainTextAsync("StatusFailed");
        await Expect(result).ToContainTextAsync($"No user 'ghost-{user}' in the directory.");
        await Expect(page.Locator("#message")).ToContainTextAsync($"Provisioning 'ghost-{user}' failed");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-provision-failed.png"), FullPage = true });

        var html = await page.ContentAsync();
        Assert.DoesNotContain(stack.ServiceToken, html);
        Assert.DoesNotContain(ConfigStack.MahPassword, html);
        Assert.DoesNotContain(ConfigStack.DefaultPassword, html);
    }

    [Fact]
    public async Task Mapping_status_shows_the_readers_last_cycle_and_the_lag()
    {
        var (mapping, _) = await stack.AddMappingAsync($"CN=LagPage-{Guid.NewGuid():N},OU=Groups,DC=corp,DC=example,DC=org");
        using var reader = Client(stack.ReaderKey);
        using var document = System.Text.Json.JsonDocument.Parse("{\"mark\":{\"version\":1,\"token\":\"csn-1\"}}");
        (await reader.PutAsJsonAsync($"/api/reader-state/{mapping}", new ReaderStateUpdate(document.RootElement.Clone(), "csn-1"))).EnsureSuccessStatusCode();
        await stack.WriteLinkAsync($"lag-page-{Guid.NewGuid():N}", mapping, 902, Contracts.UserState.Enabled);

        var page = await OpenActionsAsync();
        await page.ClickAsync("nav .tab[data-tab='mappings']");
        var row = page.Locator($"#mappings-table tr[data-mapping-id='{mapping}']");
        await Expect(row.Locator("td").Nth(9)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$"));
        await Expect(row.Locator("td").Nth(10)).ToHaveTextAsync("0");
    }

    [Fact]
    public async Task Settings_show_the_directory_connections_TLS_without_the_bind_password()
    {
        const string bindPassword = "Bind-Secret-42";
        // The same default connection as AccountAndDirectoryCommandTests sets.
        (await stack.RunCliWithInputAsync($"{bindPassword}\n", "directory", "set", "--kind", "OpenLdap",
            "--server", "ldaps://ldap1.example.org:636", "--server", "ldaps://ldap2.example.org:636", "--tls", "Ldaps",
            "--bind-dn", "cn=sync,dc=example,dc=org", "--base-dn", "dc=example,dc=org", "--poll-interval", "5")).AssertExit(0);

        var page = await OpenActionsAsync();
        await page.ClickAsync("nav .tab[data-tab='settings']");
        var directory = page.Locator("#directory-list");
        await Expect(directory).ToContainTextAsync("TLSLdaps");
        await Expect(directory).ToContainTextAsync("CA bundlenone: the system store");
        await Expect(directory).ToContainTextAsync("Accept any certificateno");
        await Expect(directory).ToContainTextAsync("Bind passwordset");
        Assert.DoesNotContain(bindPassword, await page.ContentAsync());
    }

    [Fact]
    public async Task Settings_show_a_directory_connection_given_by_its_domain_and_not_server_urls()
    {
        // The default connection, by domain; the other tests that read it set it themselves first.
        (await stack.RunCliWithInputAsync("Bind-Secret-43\n", "directory", "set", "--kind", "ActiveDirectory", "--domain", "corp.example.org",
            "--site", "Lyon", "--tls", "Ldaps", "--bind-dn", "adsync@corp.example.org", "--base-dn", "")).AssertExit(0);

        var page = await OpenActionsAsync();
        await page.ClickAsync("nav .tab[data-tab='settings']");
        var directory = page.Locator("#directory-list");
        await Expect(directory).ToContainTextAsync("Domaincorp.example.org (domain controllers found in DNS)");
        await Expect(directory).ToContainTextAsync("SiteLyon");
        await Expect(directory).ToContainTextAsync("DNS serverthe system's resolvers");
        await Expect(directory).ToContainTextAsync("Base DNDC=corp,DC=example,DC=org");
        await Expect(directory).Not.ToContainTextAsync("Servers");
    }

    private async Task<IPage> OpenActionsAsync()
    {
        // Several mappings exist in the shared stack; make sure of it for the "name the mapping" case.
        await stack.AddMappingAsync($"CN=Another-{Guid.NewGuid():N},DC=corp,DC=example,DC=org");
        var page = await Context.NewPageAsync();
        await page.GotoAsync($"{stack.ConfigUrl}/admin/");
        await page.FillAsync("#api-key", stack.AdminKey);
        await page.ClickAsync("#login-form button[type='submit']");
        await Expect(page.Locator("#app-view")).ToBeVisibleAsync();
        await page.ClickAsync("nav .tab[data-tab='actions']");
        await Expect(page.Locator("#tab-actions")).ToBeVisibleAsync();
        return page;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> read)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (await read() is { } value)
            {
                return value;
            }
        }

        throw new TimeoutException("The page's request did not reach the config service within 60 s.");
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(stack.ConfigUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static string Screenshot(string name) => Path.Combine(TestResultsFolder.Get("screenshots"), name);
}
