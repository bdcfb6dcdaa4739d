using RescueAdSync.Deployment.Tests.Infrastructure;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Deployment.Tests;

/// <summary>
/// TLS between the services without a mesh (docs/operations.md): the config service serves HTTPS with a mounted
/// certificate through Kestrel's configuration alone, and a .NET client (the services' config clients and adsync use
/// the default HttpClient handler) trusts the private CA through SSL_CERT_DIR, next to the system's roots.
/// </summary>
public sealed class KubernetesServiceTlsTests(HttpsConfigService config) : IClassFixture<HttpsConfigService>
{
    [Fact]
    public async Task Config_service_serves_its_api_health_and_metrics_over_https_with_the_mounted_certificate()
    {
        using var http = config.TrustingOnlyTheCa();
        foreach (var path in new[] { "/health/live", "/health/ready", "/metrics" })
        {
            using var response = await http.GetAsync($"{config.Url}{path}");
            Assert.True(response.IsSuccessStatusCode, $"GET {path} over HTTPS answered {(int)response.StatusCode}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{config.Url}/api/directories");
        request.Headers.Authorization = new("Bearer", config.AdminKey);
        using var api = await http.SendAsync(request);
        Assert.True(api.IsSuccessStatusCode, $"GET /api/directories over HTTPS answered {(int)api.StatusCode}:\n{config.Output}");
    }

    [Fact]
    public async Task Config_service_configured_for_https_does_not_answer_plain_http_on_its_port()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var plain = $"http://127.0.0.1:{config.Port}/health/live";
        var answered = false;
        try
        {
            using var response = await http.GetAsync(plain);
            answered = response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
        }

        Assert.False(answered, $"{plain} answered in clear text");
    }

    [Fact]
    public async Task A_dotnet_client_trusts_the_private_ca_given_in_SSL_CERT_DIR_and_refuses_the_service_without_it()
    {
        var trusted = await Adsync(("SSL_CERT_DIR", $"/etc/ssl/certs:{config.CaFolder}"));
        Assert.True(trusted.ExitCode == 0, $"adsync with SSL_CERT_DIR=/etc/ssl/certs:<ca folder> failed:\n{trusted.Output}\n{config.Output}");

        var untrusted = await Adsync();
        Assert.True(untrusted.ExitCode != 0, $"adsync trusted a certificate of an unknown CA:\n{untrusted.Output}");
        Assert.Contains("The SSL connection could not be established", untrusted.Output, StringComparison.Ordinal);
    }

    private Task<ToolResult> Adsync(params (string Name, string Value)[] environment)
    {
        var dll = Path.Combine(RepoPaths.Root, "tools", "cli", "bin", RepoPaths.Configuration, "net10.0", "adsync.dll");
        Assert.True(File.Exists(dll), $"{dll} does not exist: build tools/cli first");
        var variables = new Dictionary<string, string?>
        {
            ["ADSYNC_URL"] = config.Url,
            ["ADSYNC_API_KEY"] = config.AdminKey,
            ["SSL_CERT_DIR"] = null,
            ["SSL_CERT_FILE"] = null,
        };
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        return Task.Run(() => Tool.Run("dotnet", [dll, "directory", "list", "--json"], environment: variables, timeout: TimeSpan.FromMinutes(1)));
    }
}
