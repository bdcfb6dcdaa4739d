using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// The config service as a new user first runs it: the built service as a real process, a new database, a home
/// directory it has never written to (as on a fresh machine), its own appsettings.json. Its log must hold no warning.
/// </summary>
public sealed class CleanStartTests : IAsyncDisposable
{
    private const string AdminKey = "clean-start-admin-key-0123456789";
    private readonly string _directory = Directory.CreateTempSubdirectory("adsync-clean-start-").FullName;

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Fresh_start_and_a_provision_request_log_no_warning_and_write_no_key_ring_to_disk()
    {
        var home = Directory.CreateDirectory(Path.Combine(_directory, "home")).FullName;
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["HOME"] = home,
            ["ConnectionStrings__Config"] = $"Data Source={Path.Combine(_directory, "config.db")}",
            ["Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Auth__ApiKeys__0__Key"] = AdminKey,
            ["Auth__ApiKeys__0__Role"] = "admin",
        };
        var service = await ServiceProcess.StartAsync("config", RepoPaths.ServiceDll("config", "RescueAdSync.Config"), environment);
        try
        {
            using var admin = new HttpClient { BaseAddress = new Uri(service.Url) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            var mapping = await admin.PostAsJsonAsync("/api/mappings", Samples.Mapping());
            Assert.Equal(HttpStatusCode.Created, mapping.StatusCode);
            // Without a mapping id: the service looks for the single enabled mapping.
            var request = await admin.PostAsJsonAsync("/api/provision-requests", new NewProvisionRequest("alice"));
            Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        }
        finally
        {
            // A graceful stop flushes the console log.
            await service.StopAsync();
            await service.DisposeAsync();
        }

        var output = service.Output;
        Assert.Contains("Now listening on", output, StringComparison.Ordinal);
        var warnings = output.Split('\n').Where(line => line.StartsWith("warn:", StringComparison.Ordinal)
            || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count == 0, $"Warnings in the log of a clean start:\n{output}");
        Assert.False(Directory.Exists(Path.Combine(home, ".aspnet")), "The service wrote a DataProtection key ring into the home directory.");
    }
}
