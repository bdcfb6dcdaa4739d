using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using RescueAdSync.Contracts.Config;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>
/// The whole system as real processes: the Rescue emulator, the config service, the provisioner and
/// the ad-reader, talking over real HTTP, AMQP and LDAP. Set up the way an operator does it: the MAH
/// generates a token and a default password, the operator submits them, the directory and a mapping.
/// Each stack gets its own RabbitMQ virtual host, so stacks on one broker never see each other's messages.
/// </summary>
public sealed partial class SyncStack : IAsyncDisposable
{
    public const string DefaultPassword = "Welcome-2026!";

    private readonly List<ServiceProcess> _processes = [];
    private readonly HttpClient _emulatorHttp;
    private readonly string _adminKey = NewKey();
    private readonly string _readerKey = NewKey();
    private readonly string _provisionerKey = NewKey();
    private RabbitMqBroker? _broker;
    private string _emulatorApiUrl = "";
    private IReadOnlyDictionary<string, string?>? _provisionerEnvironment;
    private IReadOnlyDictionary<string, string?>? _readerEnvironment;

    private SyncStack(ServiceProcess emulator)
    {
        _processes.Add(emulator);
        _emulatorHttp = new HttpClient { BaseAddress = new Uri(emulator.Url) };
        Emulator = new EmulatorAdmin(_emulatorHttp);
    }

    public EmulatorAdmin Emulator { get; }
    public long TechnicianGroupId { get; private set; }
    public Guid MappingId { get; private set; }

    /// <summary>This stack's own RabbitMQ virtual host.</summary>
    public string VirtualHost { get; private set; } = "";

    /// <summary>The config service's API with the admin key (base address set once the service runs).</summary>
    public HttpClient ConfigAdmin { get; } = new();

    /// <summary>Everything every service wrote to stdout/stderr, for diagnostics.</summary>
    public string Output => string.Join("\n", _processes.Select(p => $"===== {p.Name}\n{p.Output}"));

    public static async Task<SyncStack> StartAsync(RabbitMqBroker broker, DirectoryConnectionSettings directory, string sourceGroupDn, string name,
        IReadOnlyDictionary<string, string?>? configEnvironment = null, IReadOnlyDictionary<string, string?>? provisionerEnvironment = null,
        IReadOnlyDictionary<string, string?>? readerEnvironment = null, int configReplicas = 1)
    {
        var vhost = $"{name}-{Guid.NewGuid():N}";
        await broker.CreateVirtualHostAsync(vhost);

        var emulator = await ServiceProcess.StartAsync($"{name}-rescue-emulator",
            RepoPaths.ServiceDll("rescue-emulator", "RescueAdSync.RescueEmulator"), new Dictionary<string, string?>());
        var stack = new SyncStack(emulator) { _configReplicas = configReplicas };
        try
        {
            await stack.InitializeAsync(broker, vhost, emulator, directory, sourceGroupDn, name, configEnvironment, provisionerEnvironment,
                readerEnvironment);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync(RabbitMqBroker broker, string vhost, ServiceProcess emulator,
        DirectoryConnectionSettings directory, string sourceGroupDn, string name, IReadOnlyDictionary<string, string?>? configEnvironment,
        IReadOnlyDictionary<string, string?>? provisionerEnvironment, IReadOnlyDictionary<string, string?>? readerEnvironment)
    {
        _broker = broker;
        VirtualHost = vhost;
        _provisionerEnvironment = provisionerEnvironment;
        _readerEnvironment = readerEnvironment;
        // The MAH's side, in the Rescue Admin Center.
        await Emulator.CreateOrganizationAsync("E2E Org", "mah@example.org", "Mah-Passw0rd!", mobileLicences: 5);
        TechnicianGroupId = await Emulator.CreateTechnicianGroupAsync("Support");
        var token = await Emulator.GenerateServiceTokenAsync();
        await Emulator.SetDefaultPasswordAsync(DefaultPassword);

        // The operator's side: start the services and submit the configuration.
        var config = await StartConfigAsync(name, emulator, token, configEnvironment);
        await PutAsync("/api/directory", directory);
        var created = await ConfigAdmin.PostAsJsonAsync("/api/mappings", new MappingSettings(sourceGroupDn, TechnicianGroupId));
        await EnsureSuccessAsync(created);
        MappingId = (await created.Content.ReadFromJsonAsync<Mapping>())!.Id;

        await StartAsync($"{name}-provisioner", "provisioner", "RescueAdSync.Provisioner", ServiceEnvironment(config, _provisionerKey).Overlay(provisionerEnvironment));
        // A reader that publishes before the provisioner has bound the UserChanged exchange has its publishes refused and
        // tries again (UnroutedPublishTests); waiting keeps that expected error out of these tests' sync logs.
        await WaitForBindingAsync(UserChangedExchange, "user-changed-partitions");
        await StartAsync($"{name}-ad-reader", "ad-reader", "RescueAdSync.AdReader", ServiceEnvironment(config, _readerKey).Overlay(readerEnvironment));
    }

    /// <summary>Starts the config service and submits the Rescue account, as the operator does first.</summary>
    /// <param name="configEnvironment">Added to (or replacing) the config service's environment, e.g. a PostgreSQL database.</param>
    private async Task<ServiceProcess> StartConfigAsync(string name, ServiceProcess emulator, string token,
        IReadOnlyDictionary<string, string?>? configEnvironment = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("adsync-e2e-config-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Config"] = $"Data Source={Path.Combine(dataDir, "config.db")}",
            ["Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Auth__ApiKeys__0__Key"] = _adminKey,
            ["Auth__ApiKeys__0__Role"] = "admin",
            ["Auth__ApiKeys__1__Key"] = _readerKey,
            ["Auth__ApiKeys__1__Role"] = "reader",
            ["Auth__ApiKeys__2__Key"] = _provisionerKey,
            ["Auth__ApiKeys__2__Role"] = "provisioner",
        }.Overlay(configEnvironment);
        var config = await StartAsync($"{name}-config", "config", "RescueAdSync.Config", environment);
        await StartConfigReplicasAsync(name, environment);
        ConfigAdmin.BaseAddress = new Uri(ConfigUrl);
        ConfigAdmin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        _emulatorApiUrl = $"{emulator.Url}/API/";
        await PutAsync("/api/rescue-account", new RescueAccountSettings(
            _emulatorApiUrl, "mah@example.org", "Mah-Passw0rd!", token, DefaultPassword));
        return config;
    }

    private Dictionary<string, string?> ServiceEnvironment(ServiceProcess config, string key) => new()
    {
        ["ConfigService__Url"] = _configBalancer?.Url ?? config.Url,
        ["ConfigService__ApiKey"] = key,
        ["RabbitMq__Host"] = _broker!.Host,
        ["RabbitMq__Port"] = _broker.AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq__VirtualHost"] = VirtualHost,
        ["RabbitMq__Username"] = _broker.Username,
        ["RabbitMq__Password"] = _broker.Password,
    };

    /// <summary>Waits until the emulator's Technician Group holds a technician matching <paramref name="match"/>.</summary>
    public async Task<EmulatedTechnician> WaitForTechnicianAsync(Func<EmulatedTechnician, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        IReadOnlyList<EmulatedTechnician> seen = [];
        while (DateTime.UtcNow < deadline)
        {
            seen = await Emulator.GetTechniciansAsync();
            var found = seen.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(250);
        }
        throw new TimeoutException(
            $"No technician {what} appeared. Technicians: {string.Join("; ", seen)}\n{Output}");
    }

    private async Task<ServiceProcess> StartAsync(string name, string folder, string assembly, Dictionary<string, string?> environment)
    {
        var process = await ServiceProcess.StartAsync(name, RepoPaths.ServiceDll(folder, assembly), environment);
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

        if (_configBalancer is not null)
        {
            await _configBalancer.DisposeAsync();
        }

        _emulatorHttp.Dispose();
        ConfigAdmin.Dispose();
    }
}
