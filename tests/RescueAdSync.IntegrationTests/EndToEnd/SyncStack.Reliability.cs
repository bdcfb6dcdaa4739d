using System.Net.Http.Headers;
using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.EndToEnd;

// For the reliability suite: reach each process of a full stack (to kill or restart it), start a stack with
// distinctive secrets (to scan for them), and inject time-boxed Rescue API faults.
public sealed partial class SyncStack
{
    /// <summary>Every process of the stack (emulator, config, provisioner, ad-reader, …) in start order.</summary>
    public IReadOnlyList<ServiceProcess> Services => _processes;

    /// <summary>The stack's process whose name ends with "-<paramref name="role"/>", e.g. "provisioner", "ad-reader", "config".</summary>
    public ServiceProcess Service(string role) => _processes.Single(p => p.Name.EndsWith($"-{role}", StringComparison.Ordinal));

    /// <summary>The API keys the stack gave the config service: secrets that must never show up anywhere.</summary>
    public IReadOnlyList<string> ApiKeys => [_adminKey, _readerKey, _provisionerKey];

    /// <summary>The service token currently submitted to the config service (a secret).</summary>
    public string ServiceToken { get; private set; } = "";

    /// <summary>
    /// A full stack like <see cref="StartAsync(RabbitMqBroker, DirectoryConnectionSettings, string, string)"/>, but with the
    /// MAH password and default password given, so that a test can look for them in everything the services emit.
    /// </summary>
    public static async Task<SyncStack> StartWithSecretsAsync(RabbitMqBroker broker, DirectoryConnectionSettings directory,
        string sourceGroupDn, string name, string mahPassword, string defaultPassword)
    {
        var vhost = $"{name}-{Guid.NewGuid():N}";
        await broker.CreateVirtualHostAsync(vhost);
        var emulator = await ServiceProcess.StartAsync($"{name}-rescue-emulator",
            RepoPaths.ServiceDll("rescue-emulator", "RescueAdSync.RescueEmulator"), new Dictionary<string, string?>());
        var stack = new SyncStack(emulator);
        try
        {
            stack._broker = broker;
            stack.VirtualHost = vhost;
            await stack.Emulator.CreateOrganizationAsync("E2E Org", "mah@example.org", mahPassword, mobileLicences: 5);
            stack.TechnicianGroupId = await stack.Emulator.CreateTechnicianGroupAsync("Support");
            stack.ServiceToken = await stack.Emulator.GenerateServiceTokenAsync();
            await stack.Emulator.SetDefaultPasswordAsync(defaultPassword);

            var config = await stack.StartConfigAsync(name, emulator, stack.ServiceToken);
            // StartConfigAsync submitted the standard secrets; the operator now submits this stack's own.
            await stack.PutAsync("/api/rescue-account", new RescueAccountSettings(
                stack._emulatorApiUrl, "mah@example.org", mahPassword, stack.ServiceToken, defaultPassword));
            await stack.PutAsync("/api/directory", directory);
            var created = await stack.ConfigAdmin.PostAsJsonAsync("/api/mappings", new MappingSettings(sourceGroupDn, stack.TechnicianGroupId));
            await EnsureSuccessAsync(created);
            stack.MappingId = (await created.Content.ReadFromJsonAsync<Mapping>())!.Id;

            await stack.StartAsync($"{name}-provisioner", "provisioner", "RescueAdSync.Provisioner", stack.ServiceEnvironment(config, stack._provisionerKey));
            await stack.WaitForBindingAsync(UserChangedExchange, "user-changed-partitions");
            await stack.StartAsync($"{name}-ad-reader", "ad-reader", "RescueAdSync.AdReader", stack.ServiceEnvironment(config, stack._readerKey));
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every Rescue API call answers HTTP <paramref name="status"/> with Retry-After for <paramref name="period"/>.</summary>
    public async Task InjectHttpFaultForAsync(int status, int retryAfterSeconds, TimeSpan period) =>
        (await _emulatorHttp.PostAsJsonAsync("/admin/faults/http",
            new { status, retryAfterSeconds, durationSeconds = period.TotalSeconds })).EnsureSuccessStatusCode();

    /// <summary>A raw page of the emulator's admin API (e.g. "/admin/calls"), as text.</summary>
    public Task<string> GetEmulatorTextAsync(string path) => _emulatorHttp.GetStringAsync(path);

    /// <summary>A GET on the config service with the given key (or none), whatever the status: the body as text.</summary>
    public async Task<(int Status, string Body)> GetConfigTextAsync(string path, string? apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ConfigAdmin.BaseAddress!, path));
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The API key of a role ("admin", "reader", "provisioner").</summary>
    public string ApiKey(string role) => role switch
    {
        "admin" => _adminKey,
        "reader" => _readerKey,
        "provisioner" => _provisionerKey,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "admin, reader or provisioner"),
    };
}
