using Microsoft.Playwright;
using RescueAdSync.Cli.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace RescueAdSync.Cli.Tests.WebUi;

/// <summary>The admin page's preview (dry run) in a real headless Chromium against the real config service.</summary>
[Collection(ConfigStackCollection.Name)]
public sealed class AdminPreviewTests(ConfigStack stack) : IAsyncLifetime
{
    private HeadlessChromium? _chromium;
    private IBrowserContext? _context;

    private IBrowserContext Context => _context ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        _chromium = await HeadlessChromium.LaunchAsync();
        _context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1500, Height = 950 },
            AcceptDownloads = true,
        });
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
    public async Task Admin_previews_a_mapping_sees_the_plan_and_downloads_it_as_csv_and_a_failed_preview_shows_the_reason()
    {
        var group = $"CN=Preview-{Guid.NewGuid():N},OU=Groups,DC=corp,DC=example,DC=org";
        var (mapping, _) = await stack.AddMappingAsync(group);
        var services = PreviewServices.RunAsync(stack.ConfigUrl, stack.ReaderKey, stack.ProvisionerKey, mapping, count: 1);

        var page = await Context.NewPageAsync();
        await page.GotoAsync($"{stack.ConfigUrl}/admin/");
        await page.FillAsync("#api-key", stack.AdminKey);
        await page.ClickAsync("#login-form button[type='submit']");
        var row = page.Locator($"#mappings-table tr[data-mapping-id='{mapping}']");
        await row.Locator("button.preview").ClickAsync();

        await Expect(page.Locator("#preview-panel")).ToBeVisibleAsync();
        await Expect(page.Locator("#preview-title")).ToContainTextAsync(group);
        await Expect(page.Locator("#preview-status")).ToContainTextAsync("nothing was changed", new() { Timeout = 60_000 });
        await services;
        await Expect(page.Locator("#preview-summary dd[data-action='Create']")).ToHaveTextAsync("1");
        await Expect(page.Locator("#preview-summary dd[data-action='Update']")).ToHaveTextAsync("1");
        await Expect(page.Locator("#preview-summary dd[data-action='Disable']")).ToHaveTextAsync("1");
        await Expect(page.Locator("#preview-summary dd[data-action='No change']")).ToHaveTextAsync("7");
        await Expect(page.Locator("#preview-items tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#preview-items tr[data-action='Update'] td")).ToHaveTextAsync(
            ["Update", "uid=uma,ou=people,dc=example,dc=org", "4711", "Uma Old → Uma New", "uma@example.org", "Enabled", ""]);
        // Directory values are text, never markup or formulas on the page.
        await Expect(page.Locator("#preview-items tr[data-action='Disable'] td").Nth(3)).ToHaveTextAsync("=Gus Gone");
        await Expect(page.Locator("#preview-items tr[data-action='Disable'] td").Nth(5)).ToHaveTextAsync("Enabled → Disabled");
        await Expect(page.Locator("#preview-csv")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("admin-preview.png"), FullPage = true });

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#preview-csv"));
        Assert.Matches("^preview-[0-9a-f-]{36}\\.csv$", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("action,mapping_id,directory_user_id,", csv);
        Assert.Contains(",'=Gus Gone,'=Gus Gone,", csv);

        // A preview that fails says why, and shows no plan.
        var failing = PreviewServices.RunAsync(stack.ConfigUrl, stack.ReaderKey, stack.ProvisionerKey, mapping, count: 1,
            error: "Rescue refused the sync's credentials (INVALID_TOKEN).");
        await row.Locator("button.preview").ClickAsync();
        await Expect(page.Locator("#preview-status")).ToContainTextAsync("The preview failed: Rescue refused the sync's credentials", new() { Timeout = 60_000 });
        await failing;
        await Expect(page.Locator("#preview-items tbody tr")).ToHaveCountAsync(0);
        await Expect(page.Locator("#preview-csv")).ToBeHiddenAsync();
    }

    private static string Screenshot(string name) => Path.Combine(TestResultsFolder.Get("screenshots"), name);
}
