using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Deployment.Tests.Infrastructure;

/// <summary>
/// The built config service as a real process serving HTTPS only, with a certificate given the way a Kubernetes
/// Secret mount gives it: PEM files named by <c>Kestrel__Certificates__Default__Path</c> and <c>…__KeyPath</c>.
/// The certificate is issued by a private CA made with openssl, as cert-manager or a cluster CA would issue it.
/// </summary>
public sealed class HttpsConfigService : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("ADSYNC_SERVICE_READY_SECONDS"), out var seconds) && seconds > 0 ? seconds : 180);

    private readonly StringBuilder _output = new();
    private Process? _process;

    public string Folder { get; } = Directory.CreateTempSubdirectory("adsync-tls-").FullName;

    /// <summary>Holds only the CA certificate, as a mounted ca.crt would.</summary>
    public string CaFolder => Path.Combine(Folder, "ca");

    public string CaFile => Path.Combine(CaFolder, "ca.crt");

    public string CertificateFile => Path.Combine(Folder, "tls.crt");

    public string AdminKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public int Port { get; } = Ports.GetFree();

    /// <summary>By address: the certificate names 127.0.0.1 (and config, config.&lt;namespace&gt;.svc) as its subject alternative names.</summary>
    public string Url => $"https://127.0.0.1:{Port}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        MakeCertificates();
        var dll = RepoPaths.ServiceDll("config", "RescueAdSync.Config");
        Assert.True(File.Exists(dll), $"{dll} does not exist: build services/config first");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "SSL_CERT_FILE", "SSL_CERT_DIR" })
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Config"] = $"Data Source={Path.Combine(Folder, "config.db")}",
            ["Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Auth__ApiKeys__0__Key"] = AdminKey,
            ["Auth__ApiKeys__0__Role"] = "admin",
            // One endpoint, HTTPS only, on every address as k8s/components/config-tls sets it: the credentials
            // endpoints are never served in clear text.
            ["Kestrel__Endpoints__Https__Url"] = $"https://*:{Port}",
            ["Kestrel__Certificates__Default__Path"] = CertificateFile,
            ["Kestrel__Certificates__Default__KeyPath"] = Path.Combine(Folder, "tls.key"),
        })
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = TrustingOnlyTheCa();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                Assert.Fail($"the config service exited with {process.ExitCode} before it answered over HTTPS:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync($"{Url}/health/live");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (clock.Elapsed < ReadyTimeout)
            {
            }
            catch (TaskCanceledException) when (clock.Elapsed < ReadyTimeout)
            {
            }

            Assert.True(clock.Elapsed < ReadyTimeout, $"the config service did not answer {Url}/health/live within {ReadyTimeout.TotalSeconds:0} s:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// A client of the test process that trusts the private CA alone (not the machine's roots) and only the
    /// certificate made for this service.
    /// </summary>
    public HttpClient TrustingOnlyTheCa()
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(CaFile));
        var issued = X509Certificate2.CreateFromPem(File.ReadAllText(CertificateFile));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate) && certificate.Thumbprint == issued.Thumbprint;
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
        }
    }

    private void MakeCertificates()
    {
        Directory.CreateDirectory(CaFolder);
        var ext = Path.Combine(Folder, "tls.ext");
        File.WriteAllText(ext, """
            subjectAltName = DNS:config, DNS:config.rescue-adsync.svc, IP:127.0.0.1
            extendedKeyUsage = serverAuth
            basicConstraints = CA:FALSE
            """);
        OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=rescue-adsync test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", Path.Combine(Folder, "ca.key"), "-out", CaFile);
        OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=config",
            "-keyout", Path.Combine(Folder, "tls.key"), "-out", Path.Combine(Folder, "tls.csr"));
        OpenSsl("x509", "-req", "-in", Path.Combine(Folder, "tls.csr"), "-CA", CaFile, "-CAkey", Path.Combine(Folder, "ca.key"),
            "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", CertificateFile);
    }

    private void OpenSsl(params string[] arguments)
    {
        var openssl = Tool.Require("openssl", "apt-get install -y openssl");
        var result = Tool.Run(openssl, arguments, Folder);
        Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', arguments)} failed:\n{result.Output}");
    }
}
