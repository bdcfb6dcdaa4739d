using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using static Microsoft.Playwright.Assertions;

namespace RescueAdSync.Cli.Tests.WebUi;

/// <summary>The admin page in a real headless Chromium against the real config service.</summary>
[Collection(ConfigStackCollection.Name)]
public sealed class AdminPageTests(ConfigStack stack) : IAsyncLifetime
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
    public async Task Admin_logs_in_sees_a_mappings_status_and_finds_an_error_through_the_log_filters()
    {
        var group = $"CN=Helpdesk-{Guid.NewGuid():N},OU=Groups,DC=corp,DC=example,DC=org";
        var (mapping, technicianGroup) = await stack.AddMappingAsync(group);
        var other = (await stack.AddMappingAsync($"CN=Other-{Guid.NewGuid():N},DC=corp,DC=example,DC=org")).Id;
        var user = $"dave-{Guid.NewGuid():N}";
        await stack.WriteLinkAsync($"{user}-a", mapping, 301, UserState.Enabled);
        await stack.WriteLinkAsync($"{user}-b", mapping, 302, UserState.Enabled);
        await stack.WriteLinkAsync($"{user}-c", mapping, 303, UserState.Disabled);
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Info, "provisioner", "updateTechnician", "Updated dave's email", mapping, user));
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "enableTechnician",
            "No mobile licence left for dave", mapping, user, "LICENCE_LIMIT", WillRetry: true));
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "createTechnician", "Noise from another mapping", other, "erin"));

        var page = await Context.NewPageAsync();
        await page.GotoAsync($"{stack.ConfigUrl}/admin");

        // Nothing but the login form until a key is accepted.
        await Expect(page.Locator("#login-view")).ToBeVisibleAsync();
        await Expect(page.Locator("#app-view")).ToBeHiddenAsync();
        await LogInAsync(page, "not-a-valid-key-0123456789");
        await Expect(page.Locator("#message")).ToHaveTextAsync("The API key was refused.");
        await LogInAsync(page, stack.ReaderKey);
        await Expect(page.Locator("#message")).ToHaveTextAsync("This key is valid but is not an admin key.");
        await Expect(page.Locator("#app-view")).ToBeHiddenAsync();

        await LogInAsync(page, stack.AdminKey);
        await Expect(page.Locator("#app-view")).ToBeVisibleAsync();
        var row = page.Locator($"#mappings-table tr[data-mapping-id='{mapping}']");
        // Source group, technician group, enabled, links: all / Enabled / Disabled / OutOfScope / Deleted, errors, last cycle and lag
        // (no reader cycle yet), last error, guard.
        // The Technician Group by its name in Rescue (ConfigStack names them "Group <guid>"), next to its node id.
        string[] expected = [group, $"*^Group [0-9a-f]{{32}} \\({technicianGroup}\\)$", "yes", "3", "2", "1", "0", "0", "1", "—", "—", "*No mobile licence left for dave", "ok", "*Show log"];
        await Expect(row.Locator("td")).ToHaveTextAsync(expected.Select(text => text.StartsWith("*^", StringComparison.Ordinal)
            ? new Regex(text[1..])
            : text.StartsWith('*')
            ? new Regex(Regex.Escape(text[1..]))
            : new Regex($"^{Regex.Escape(text)}$")));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-mappings.png"), FullPage = true });

        await page.ClickAsync("nav .tab[data-tab='log']");
        await page.SelectOptionAsync("#filter-level", "Error");
        await page.SelectOptionAsync("#filter-mapping", mapping.ToString());
        await page.FillAsync("#filter-user", user);
        await page.ClickAsync("#log-filters button[type='submit']");
        var entries = page.Locator("#log-table tbody tr");
        await Expect(entries).ToHaveCountAsync(1);
        await Expect(entries.First).ToContainTextAsync("No mobile licence left for dave");
        await Expect(page.Locator("#log-range")).ToHaveTextAsync("1–1 of 1, newest first");

        await entries.First.ClickAsync();
        var details = page.Locator("#details-list");
        await Expect(details).ToContainTextAsync("LICENCE_LIMIT");
        await Expect(details).ToContainTextAsync(group);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-log-error.png"), FullPage = true });

        await page.ClickAsync("nav .tab[data-tab='settings']");
        await Expect(page.Locator("#account-list")).ToContainTextAsync("Service token");
        await Expect(page.Locator("#account-list")).ToContainTextAsync("set");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-settings.png"), FullPage = true });
        var html = await page.ContentAsync();
        Assert.DoesNotContain(stack.ServiceToken, html);
        Assert.DoesNotContain(ConfigStack.MahPassword, html);
        Assert.DoesNotContain(ConfigStack.DefaultPassword, html);

        await page.ClickAsync("#logout");
        await Expect(page.Locator("#login-view")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('adsync.adminKey')"));
        await Expect(page.Locator("#mappings-table tbody tr")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Admin_sees_a_held_mapping_reviews_the_plan_and_approves_it()
    {
        var group = $"CN=Guarded-{Guid.NewGuid():N},OU=Groups,DC=corp,DC=example,DC=org";
        var (mapping, _) = await stack.AddMappingAsync(group);
        var plan = await stack.HoldPlanAsync(mapping,
            new PlannedChange("u-ann", "CN=Ann,OU=Staff,DC=corp", "Ann Archer", "ann@example.org", UserState.OutOfScope, UserState.Enabled),
            new PlannedChange("u-bob", "CN=Bob,OU=Staff,DC=corp", "Bob Baker", "bob@example.org", UserState.Deleted, UserState.Enabled),
            new PlannedChange("u-cid", "CN=Cid,OU=Staff,DC=corp", "Cid Cole", "cid@example.org", UserState.Disabled, UserState.Enabled));

        var page = await Context.NewPageAsync();
        await page.GotoAsync($"{stack.ConfigUrl}/admin/");
        await LogInAsync(page, stack.AdminKey);
        var row = page.Locator($"#mappings-table tr[data-mapping-id='{mapping}']");
        await Expect(row.Locator("td").Nth(12)).ToHaveTextAsync("HELD");

        await page.ClickAsync("nav .tab[data-tab='plans']");
        var planRow = page.Locator($"#plans-table tr[data-plan-id='{plan}']");
        await Expect(planRow).ToContainTextAsync(group);
        await Expect(planRow).ToContainTextAsync("Held");
        await planRow.Locator("button").ClickAsync();
        await Expect(page.Locator("#plan-list")).ToContainTextAsync("3 of 4 enabled technicians");
        await Expect(page.Locator("#plan-changes tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#plan-changes tbody tr").Filter(new LocatorFilterOptions { HasText = "Bob Baker" }))
            .ToContainTextAsync("EnabledDeleted");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-held-plan.png"), FullPage = true });

        await page.ClickAsync("#plan-approve");
        await Expect(page.Locator("#message")).ToContainTextAsync("Plan approved");
        await Expect(page.Locator("#plan-list")).ToContainTextAsync("Approved");
        await Expect(page.Locator("#plan-approve")).ToBeHiddenAsync();
        await Expect(row.Locator("td").Nth(12)).ToHaveTextAsync("APPROVED");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-plan-approved.png"), FullPage = true });
        Assert.Equal("Approved", (await stack.GetPlanStatusAsync(plan)));
    }

    [Fact]
    public async Task Page_forbids_inline_scripts_and_framing()
    {
        var response = await Context.APIRequest.GetAsync($"{stack.ConfigUrl}/admin/");

        Assert.Equal(200, response.Status);
        var policy = response.Headers["content-security-policy"];
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", response.Headers["x-content-type-options"]);
    }

    [Fact]
    public async Task History_tab_finds_a_user_by_name_and_shows_the_timeline_with_before_and_after()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var id = Guid.NewGuid().ToString("D");
        var mapping = Guid.NewGuid();
        NewHistoryEntry Entry(HistoryAction action, long version, string name, string? nameBefore = null, string? reason = null,
            UserState state = UserState.Enabled) =>
            new(action, mapping, id, name, $"kim.{tag}@example.org", $"kim{tag}", null, 8101, version, state, reason, nameBefore);
        var stored = await stack.Provisioner.PostAsJsonAsync("/api/history/batch", new[]
        {
            Entry(HistoryAction.Created, 1, $"Kim Park {tag}"),
            Entry(HistoryAction.Updated, 2, $"Kim Lee {tag}", nameBefore: $"Kim Park {tag}"),
            Entry(HistoryAction.Disabled, 3, $"Kim Lee {tag}", reason: "The user was removed from the mapped group, or moved out of its scope.",
                state: UserState.OutOfScope),
        });
        stored.EnsureSuccessStatusCode();

        var page = await Context.NewPageAsync();
        await page.GotoAsync($"{stack.ConfigUrl}/admin");
        await LogInAsync(page, stack.AdminKey);
        await Expect(page.Locator("#app-view")).ToBeVisibleAsync();
        await page.ClickAsync("nav .tab[data-tab='history']");
        await page.FillAsync("#history-user", $"kim lee {tag}");
        await page.ClickAsync("#history-search button[type='submit']");

        // Found by the current name, the timeline still shows the entry from before the rename.
        var rows = page.Locator("#history-table tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Nth(0).Locator("td").Nth(1)).ToHaveTextAsync("Disabled");
        await Expect(rows.Nth(0)).ToContainTextAsync("removed from the mapped group");
        await Expect(rows.Nth(1)).ToContainTextAsync($"name: Kim Park {tag} → Kim Lee {tag}");
        await Expect(rows.Nth(2).Locator("td").Nth(1)).ToHaveTextAsync("Created");
        await Expect(page.Locator("#history-range")).ToHaveTextAsync($"3 entries of user {id}, newest first");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-history.png"), FullPage = true });

        await page.FillAsync("#history-user", $"nobody {tag}");
        await page.ClickAsync("#history-search button[type='submit']");
        await Expect(page.Locator("#history-range")).ToHaveTextAsync($"No history for \"nobody {tag}\".");
        await Expect(rows).ToHaveCountAsync(0);
    }

    private static async Task LogInAsync(IPage page, string key)
    {
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#login-form button[type='submit']");
    }

    private static string Screenshot(string name) => Path.Combine(TestResultsFolder.Get("screenshots"), name);
}
