using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Cli.Tests.Infrastructure;

/// <summary>
/// A Rescue emulator and a config service as real processes, shared by the CLI and admin page tests.
/// Tests isolate themselves by creating their own mappings (unique group DNs) and filtering by their ids;
/// the account is set up front (the config service checks mappings' Technician Groups against Rescue once it is),
/// and only AccountAndDirectoryCommandTests rewrites it, with the same values.
/// </summary>
public sealed class ConfigStack : IAsyncLifetime
{
    private readonly List<ServiceProcess> _processes = [];
    private readonly string _dataDir = Directory.CreateTempSubdirectory("adsync-cli-tests-").FullName;

    public const string MahEmail = "mah@example.org";
    public const string MahPassword = "Mah-Passw0rd!";
    public const string DefaultPassword = "Welcome-2026!";

    public string AdminKey { get; } = NewKey();
    public string ReaderKey { get; } = NewKey();
    public string ProvisionerKey { get; } = NewKey();

    public string ConfigUrl => Config.Url;
    public string EmulatorApiUrl => $"{Emulator.Url}/API/";

    /// <summary>The MAH's service token, generated in the emulator's "Admin Center".</summary>
    public string ServiceToken { get; private set; } = "";

    public ServiceProcess Config => _processes.Single(p => p.Name == "config");
    public ServiceProcess Emulator => _processes.Single(p => p.Name == "rescue-emulator");

    /// <summary>The config API with the provisioner key: writes links and sync-log entries as the services do.</summary>
    public HttpClient Provisioner { get; } = new();

    public async Task InitializeAsync()
    {
        _processes.Add(await ServiceProcess.StartAsync("rescue-emulator",
            RepoPaths.ServiceDll("rescue-emulator", "RescueAdSync.RescueEmulator"), new Dictionary<string, string?>()));
        ServiceToken = await PrepareEmulatorAsync(Emulator.Url);
        _processes.Add(await ServiceProcess.StartAsync("config", RepoPaths.ServiceDll("config", "RescueAdSync.Config"), new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Config"] = $"Data Source={Path.Combine(_dataDir, "config.db")}",
            ["Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Auth__ApiKeys__0__Key"] = AdminKey,
            ["Auth__ApiKeys__0__Role"] = "admin",
            ["Auth__ApiKeys__1__Key"] = ReaderKey,
            ["Auth__ApiKeys__1__Role"] = "reader",
            ["Auth__ApiKeys__2__Key"] = ProvisionerKey,
            ["Auth__ApiKeys__2__Role"] = "provisioner",
            // Wrong-key tests must not lock the other tests out with 429s.
            ["Auth__FailedAttemptsPerMinute"] = "1000",
        }));
        Provisioner.BaseAddress = new Uri(ConfigUrl);
        Provisioner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProvisionerKey);
        (await RunCliWithInputAsync($"{MahPassword}\n{ServiceToken}\n{DefaultPassword}\n",
            "account", "set", "--api-url", EmulatorApiUrl, "--email", MahEmail)).AssertExit(0);
    }

    /// <summary>A CLI invocation against this stack's config service with the admin key.</summary>
    public Task<CliResult> RunCliAsync(params string[] args) => CliRunner.RunAsync(ConfigUrl, AdminKey, stdin: null, args);

    public Task<CliResult> RunCliWithInputAsync(string stdin, params string[] args) => CliRunner.RunAsync(ConfigUrl, AdminKey, stdin, args);

    public Task<CliResult> RunCliWithBytesAsync(byte[] stdin, params string[] args) => CliRunner.RunWithBytesAsync(ConfigUrl, AdminKey, stdin, args);

    public async Task<SyncLogEntry> WriteLogAsync(NewSyncLogEntry entry)
    {
        var response = await Provisioner.PostAsJsonAsync("/api/sync-log", entry);
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<SyncLogEntry>())!;
    }

    public async Task WriteLinkAsync(string directoryUserId, Guid mappingId, long technicianNodeId, UserState state)
    {
        var response = await Provisioner.PutAsJsonAsync($"/api/links/{Uri.EscapeDataString(directoryUserId)}",
            new TechnicianLink(directoryUserId, mappingId, technicianNodeId, 1, state, DateTimeOffset.UtcNow));
        await EnsureSuccessAsync(response);
    }

    /// <summary>
    /// Creates a Technician Group in the emulator (as the MAH does in the Admin Center) and maps <paramref name="groupDn"/>
    /// to it through the CLI, the way the tests' operator does.
    /// </summary>
    public async Task<AddedMapping> AddMappingAsync(string groupDn)
    {
        var technicianGroupId = await CreateTechnicianGroupAsync($"Group {Guid.NewGuid():N}");
        var result = await RunCliAsync("mapping", "add", "--group", groupDn, "--technician-group", technicianGroupId.ToString(), "--json");
        result.AssertExit(0);
        return new AddedMapping(result.Json().GetProperty("id").GetGuid(), technicianGroupId);
    }

    public async Task<long> CreateTechnicianGroupAsync(string name)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Emulator.Url) };
        var response = await http.PostAsJsonAsync("/admin/groups", new { name });
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nodeId").GetInt64();
    }

    public string Diagnostics => string.Join("\n", _processes.Select(p => $"===== {p.Name}\n{p.Output}"));

    public async Task DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        Provisioner.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<string> PrepareEmulatorAsync(string url)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await EnsureSuccessAsync(await http.PostAsJsonAsync("/admin/organization",
            new { name = "CLI Org", email = MahEmail, password = MahPassword, mobileLicences = 5 }));
        var token = await http.PostAsJsonAsync("/admin/token", new { });
        await EnsureSuccessAsync(token);
        return (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static string NewKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}
