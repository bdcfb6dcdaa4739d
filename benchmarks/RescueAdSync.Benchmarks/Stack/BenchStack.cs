using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using RescueAdSync.Contracts.Config;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Benchmarks.Stack;

/// <summary>
/// The services as real processes (the Release build), configured the way an operator does it: emulator set up by
/// the MAH, config service given the Rescue account, the directory and a mapping; then a reader and/or provisioners.
/// Each stack has its own virtual host on the shared broker.
/// </summary>
public sealed class BenchStack : IAsyncDisposable
{
    public const string DefaultPassword = "Welcome-2026!";

    private readonly List<ServiceProcess> _processes = [];
    private readonly string _adminKey = NewKey();
    private readonly string _readerKey = NewKey();
    private readonly string _provisionerKey = NewKey();
    private readonly HttpClient _emulatorHttp;
    private readonly string _configDir;
    private readonly IReadOnlyDictionary<string, string?> _extraEnvironment;
    private readonly Dictionary<string, (string Dll, Dictionary<string, string?> Environment)> _launches = new(StringComparer.Ordinal);
    private string? _publishedDirectory;
    private ServiceProcess? _config;

    private BenchStack(BrokerAdmin broker, ServiceProcess emulator, string configDir, IReadOnlyDictionary<string, string?> extraEnvironment)
    {
        _extraEnvironment = extraEnvironment;
        BrokerAdmin = broker;
        _processes.Add(emulator);
        EmulatorProcess = emulator;
        _emulatorHttp = new HttpClient { BaseAddress = new Uri(emulator.Url) };
        Emulator = new EmulatorClient(_emulatorHttp);
        _configDir = configDir;
    }

    public BrokerAdmin BrokerAdmin { get; }
    public ServiceProcess EmulatorProcess { get; }
    public EmulatorClient Emulator { get; }
    public HttpClient ConfigAdmin { get; } = new();
    public long TechnicianGroupId { get; private set; }
    public Guid MappingId { get; private set; }
    public string ServiceToken { get; private set; } = "";
    public ServiceProcess? Reader { get; private set; }

    /// <summary>The config service, whose /metrics show what the other services asked of it and how long that took.</summary>
    public ServiceProcess Config => _config ?? throw new InvalidOperationException("The config service is not running.");
    public List<ServiceProcess> Provisioners { get; } = [];

    /// <param name="postgres">A PostgreSQL connection string for the config service, or null for its default SQLite file.</param>
    /// <param name="serviceEnvironment">Extra environment for the config service, the reader and the provisioners (not the emulator), e.g. runtime settings to compare.</param>
    /// <param name="publishedDirectory">
    /// Run the config service, the reader and the provisioners from self-contained publishes in &lt;dir&gt;/&lt;service folder&gt;/ (their app hosts,
    /// as the container images run them) instead of <c>dotnet &lt;dll&gt;</c> from the Release build; null for the build.
    /// </param>
    public static async Task<BenchStack> StartAsync(BrokerAdmin broker, string name, string? postgres = null,
        IReadOnlyDictionary<string, string?>? serviceEnvironment = null, string? publishedDirectory = null)
    {
        var emulator = await ServiceProcess.StartAsync($"{name}-rescue-emulator",
            RepoPaths.ServiceDll("rescue-emulator", "RescueAdSync.RescueEmulator"), new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Warning" });
        var stack = new BenchStack(broker, emulator, BenchPaths.NewRunDir($"{name}-config"), serviceEnvironment ?? new Dictionary<string, string?>())
        {
            _publishedDirectory = publishedDirectory,
        };
        try
        {
            await stack.InitializeAsync(name, postgres);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync(string name, string? postgres)
    {
        (TechnicianGroupId, ServiceToken) = await Emulator.SetUpOrganizationAsync(DefaultPassword);
        _config = await StartProcessAsync($"{name}-config", "config", "RescueAdSync.Config", new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = postgres is null ? "Sqlite" : "PostgreSql",
            ["ConnectionStrings__Config"] = postgres ?? $"Data Source={Path.Combine(_configDir, "config.db")}",
            ["Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Auth__ApiKeys__0__Key"] = _adminKey,
            ["Auth__ApiKeys__0__Role"] = "admin",
            ["Auth__ApiKeys__1__Key"] = _readerKey,
            ["Auth__ApiKeys__1__Role"] = "reader",
            ["Auth__ApiKeys__2__Key"] = _provisionerKey,
            ["Auth__ApiKeys__2__Role"] = "provisioner",
        });
        ConfigAdmin.BaseAddress = new Uri(_config.Url);
        ConfigAdmin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        await PutAsync("/api/rescue-account", new RescueAccountSettings($"{EmulatorProcess.Url}/API/", "mah@example.org", "Mah-Passw0rd!", ServiceToken, DefaultPassword));
    }

    public Task ConfigureDirectoryAsync(DirectoryConnectionSettings directory) => PutAsync("/api/directory", directory);

    public async Task<Guid> CreateMappingAsync(string sourceGroupDn)
    {
        var created = await ConfigAdmin.PostAsJsonAsync("/api/mappings", new MappingSettings(sourceGroupDn, TechnicianGroupId));
        await EnsureSuccessAsync(created);
        MappingId = (await created.Content.ReadFromJsonAsync<Mapping>())?.Id ?? throw new InvalidOperationException("No mapping returned.");
        return MappingId;
    }

    public async Task<ServiceProcess> StartReaderAsync(IDictionary<string, string?>? extra = null)
    {
        var environment = ServiceEnvironment(_readerKey);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        Reader = await StartProcessAsync("ad-reader", "ad-reader", "RescueAdSync.AdReader", environment);
        return Reader;
    }

    public async Task StartProvisionersAsync(int instances)
    {
        for (var i = 0; i < instances; i++)
        {
            Provisioners.Add(await StartProcessAsync($"provisioner-{i}", "provisioner", "RescueAdSync.Provisioner", ServiceEnvironment(_provisionerKey)));
        }
    }

    public static async Task<string> GetMetricsAsync(ServiceProcess service, CancellationToken ct = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await http.GetStringAsync($"{service.Url}/metrics", ct);
    }

    public string Output => string.Join("\n", _processes.Select(p => $"===== {p.Name}\n{Tail(p.Output)}"));

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];

    private Dictionary<string, string?> ServiceEnvironment(string key) => new()
    {
        ["ConfigService__Url"] = _config?.Url ?? throw new InvalidOperationException("The config service is not running."),
        ["ConfigService__ApiKey"] = key,
        ["RabbitMq__Host"] = BrokerAdmin.Broker.Host,
        ["RabbitMq__Port"] = BrokerAdmin.Broker.AmqpPort.ToString(CultureInfo.InvariantCulture),
        ["RabbitMq__VirtualHost"] = BrokerAdmin.VirtualHost,
        ["RabbitMq__Username"] = BrokerAdmin.Broker.Username,
        ["RabbitMq__Password"] = BrokerAdmin.Broker.Password,
        // Per-message Information logs would be captured in memory for 100k messages; warnings still show.
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>
    /// How the stack last started the service in <paramref name="folder"/> (config, ad-reader, provisioner): its dll and
    /// environment, so another instance of it can be started and timed outside <see cref="ServiceProcess"/>.
    /// </summary>
    public (string Dll, IReadOnlyDictionary<string, string?> Environment) LaunchOf(string folder) =>
        _launches.TryGetValue(folder, out var launch) ? (launch.Dll, launch.Environment)
            : throw new InvalidOperationException($"The stack has not started {folder}.");

    private async Task<ServiceProcess> StartProcessAsync(string name, string folder, string assembly, Dictionary<string, string?> environment)
    {
        foreach (var (key, value) in _extraEnvironment)
        {
            environment[key] = value;
        }

        var dll = _publishedDirectory is null ? RepoPaths.ServiceDll(folder, assembly) : Path.Combine(_publishedDirectory, folder, assembly);
        _launches[folder] = (dll, new Dictionary<string, string?>(environment, StringComparer.Ordinal));
        var process = await ServiceProcess.StartAsync(name, dll, environment);
        _processes.Add(process);
        return process;
    }

    private async Task PutAsync<T>(string path, T body) => await EnsureSuccessAsync(await ConfigAdmin.PutAsJsonAsync(path, body));

    private static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static string NewKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        _emulatorHttp.Dispose();
        ConfigAdmin.Dispose();
        Directories.OpenLdapDirectory.TryDelete(_configDir);
    }
}
