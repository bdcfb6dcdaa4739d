using System.Text.Json;
using Microsoft.Playwright;
using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Contracts.Config;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace RescueAdSync.Cli.Tests.WebUi;

/// <summary>The admin page at an ordinary laptop width, with the long values real directories have.</summary>
[Collection(ConfigStackCollection.Name)]
public sealed class AdminPageLayoutTests(ConfigStack stack, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Width = 1400;

    private HeadlessChromium? _chromium;
    private IBrowserContext? _context;

    private IBrowserContext Context => _context ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        _chromium = await HeadlessChromium.LaunchAsync();
        _context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = Width, Height = 900 } });
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
    public async Task At_1400_pixels_long_dns_emails_and_messages_stay_inside_the_page_and_the_log_names_the_person()
    {
        var tag = Guid.NewGuid().ToString("N");
        var groupName = $"Second-line support for the northern region {tag}";
        var technicianGroup = await stack.CreateTechnicianGroupAsync(groupName);
        var group = $"CN=Technicians-with-a-very-long-group-name-{tag}{tag},OU=Service-desk-groups-{tag},OU=Europe-North,DC=corp,DC=example,DC=org";
        var added = await stack.RunCliAsync("mapping", "add", "--group", group, "--technician-group", technicianGroup.ToString(), "--json");
        added.AssertExit(0);
        var mapping = added.Json().GetProperty("id").GetGuid();
        var name = $"Maximiliane Alexandra von Oberhausen-Wittgenstein {tag[..6]}";
        var email = $"maximiliane.alexandra.von.oberhausen-wittgenstein.{tag}@service-desk.europe-north.corp.example.org";
        var user = Guid.NewGuid().ToString("D");
        // An unbroken token in a message (a URL, a base64 blob) is the hardest case for a table.
        var message = $"Rescue rejected the change: https://rescue.example.org/API/setUser_v2.aspx?node={new string('7', 60)}&detail={string.Concat(Enumerable.Repeat(tag, 12))} "
            + string.Concat(Enumerable.Repeat("and the rest of a long explanation ", 20));
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "setUser_v2", message, mapping, user,
            "INVALIDPARAM_EMAIL", WillRetry: false, DisplayName: name, Email: email));

        var page = await Context.NewPageAsync();
        await page.GotoAsync($"{stack.ConfigUrl}/admin/");
        await page.FillAsync("#api-key", stack.AdminKey);
        await page.ClickAsync("#login-form button[type='submit']");

        // The mapping's Technician Group by its name in Rescue, next to its node id.
        var row = page.Locator($"#mappings-table tr[data-mapping-id='{mapping}']");
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync($"{groupName} ({technicianGroup})");
        await Expect(row.Locator("td").Nth(11)).ToContainTextAsync("Rescue rejected the change");
        Print(await ScreenshotAsync(page, "admin-1400-mappings.png"));
        await AssertFitsAsync(page, "mappings");

        await page.ClickAsync("nav .tab[data-tab='log']");
        await page.SelectOptionAsync("#filter-mapping", mapping.ToString());
        await page.ClickAsync("#log-filters button[type='submit']");
        var entry = page.Locator("#log-table tbody tr");
        await Expect(entry).ToHaveCountAsync(1);
        var userCell = entry.Locator("td").Nth(5);
        await Expect(userCell.Locator(".user-name")).ToHaveTextAsync(name);
        await Expect(userCell.Locator(".user-email")).ToHaveTextAsync(email);
        await Expect(userCell.Locator(".user-id")).ToHaveTextAsync(user);
        // The message is cut on the page, whole in the tooltip.
        await Expect(entry.Locator("td").Nth(6)).ToHaveAttributeAsync("title", message);
        Print(await ScreenshotAsync(page, "admin-1400-log.png"));
        await AssertFitsAsync(page, "log");

        await entry.ClickAsync();
        await Expect(page.Locator("#details-list")).ToContainTextAsync(name);
        await Expect(page.Locator("#details-list")).ToContainTextAsync(email);
        await AssertFitsAsync(page, "log details");
    }

    /// <summary>Measured in the browser: nothing scrolls sideways and every visible table ends inside the viewport.</summary>
    private static async Task AssertFitsAsync(IPage page, string where)
    {
        var json = await page.EvaluateAsync<string>("""
            () => JSON.stringify({
              viewport: window.innerWidth,
              scrollWidth: document.documentElement.scrollWidth,
              tables: [...document.querySelectorAll("table")]
                .filter((t) => t.offsetParent !== null)
                .map((t) => ({ id: t.id, right: Math.ceil(t.getBoundingClientRect().right) })),
              widest: [...document.querySelectorAll("body *")]
                .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().right > window.innerWidth)
                .slice(-3).map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${e.className} ends at ${Math.ceil(e.getBoundingClientRect().right)}: ${(e.textContent ?? "").slice(0, 80)}`),
            })
            """);
        var measured = JsonSerializer.Deserialize<Measurement>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(Width, measured.Viewport);
        Assert.True(measured.ScrollWidth <= Width,
            $"{where}: the page is {measured.ScrollWidth} px wide at a {Width} px viewport; past it: {string.Join(" | ", measured.Widest)}");
        Assert.NotEmpty(measured.Tables);
        Assert.All(measured.Tables, t => Assert.True(t.Right <= measured.Viewport,
            $"{where}: table #{t.Id} ends at {t.Right} px, past the {measured.Viewport} px viewport."));
    }

    private static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(TestResultsFolder.Get("screenshots"), name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 0);
        return path;
    }

    private void Print(string screenshot)
    {
        output.WriteLine($"Screenshot: {screenshot}");
        Console.WriteLine($"Screenshot: {screenshot}");
    }

    private sealed record Measurement(int Viewport, int ScrollWidth, TableEdge[] Tables, string[] Widest);

    private sealed record TableEdge(string Id, int Right);
}
