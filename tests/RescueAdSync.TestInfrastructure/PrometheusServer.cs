using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// The real Prometheus binary (Debian package, <c>/usr/bin/prometheus</c>) on a free port with its own config and data
/// dir under the run root, scraping the given targets; queried through its HTTP API. Stopped and removed on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly OutputBuffer _output;
    private readonly string _dir;

    private PrometheusServer(Process process, OutputBuffer output, string dir, int port)
    {
        _process = process;
        _output = output;
        _dir = dir;
        Url = $"http://127.0.0.1:{port}";
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Url { get; }
    public HttpClient Http { get; }
    public string Output => _output.ToString();

    /// <summary>A scrape job: its name and the base URLs (scheme, host, port) whose <c>/metrics</c> it scrapes.</summary>
    public sealed record Job(string Name, IReadOnlyList<string> Targets, string MetricsPath = "/metrics");

    /// <param name="jobs">What to scrape, every second.</param>
    /// <param name="ruleFiles">Alert/recording rule files copied next to the config and loaded.</param>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyList<Job> jobs, IReadOnlyList<string>? ruleFiles = null, CancellationToken ct = default)
    {
        if (!File.Exists(Binary))
        {
            throw new FileNotFoundException($"{Binary} is missing: run deploy/local/install-deps.sh (apt package prometheus).", Binary);
        }

        var dir = RunDirectories.Create("prometheus");
        var rules = new List<string>();
        foreach (var file in ruleFiles ?? [])
        {
            var name = Path.GetFileName(file);
            File.Copy(file, Path.Combine(dir, name));
            rules.Add(name);
        }
        var config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, Config(jobs, rules), ct);

        var port = Ports.GetFree();
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var argument in new[]
        {
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--web.enable-lifecycle", "--log.level=warn",
        })
        {
            psi.ArgumentList.Add(argument);
        }
        var output = new OutputBuffer();
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => output.AppendLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {Binary}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await File.WriteAllTextAsync(Path.Combine(dir, "pid"), process.Id.ToString(CultureInfo.InvariantCulture), ct);
        var server = new PrometheusServer(process, output, dir, port);
        ServerRegistry.Register(server, server.Kill);
        try
        {
            await server.WaitUntilReadyAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>An instant query; one (labels, value) per series of the result vector.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql, CancellationToken ct = default)
    {
        using var response = await Http.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}", ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Prometheus refused the query {promql}: HTTP {(int)response.StatusCode} {body}");
        }

        using var document = JsonDocument.Parse(body);
        var data = document.RootElement.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "vector")
        {
            throw new InvalidOperationException($"The query {promql} did not return an instant vector: {body}");
        }

        var series = new List<(IReadOnlyDictionary<string, string>, double)>();
        foreach (var item in data.GetProperty("result").EnumerateArray())
        {
            var labels = item.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            var value = double.Parse(item.GetProperty("value")[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
            series.Add((labels, value));
        }
        return series;
    }

    /// <summary>GET an API path (e.g. /api/v1/targets, /api/v1/rules) and return its "data" element as raw JSON.</summary>
    public async Task<JsonElement> GetDataAsync(string path, CancellationToken ct = default)
    {
        using var response = await Http.GetAsync(path, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Prometheus {path}: HTTP {(int)response.StatusCode} {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("data").Clone();
    }

    private static string Config(IReadOnlyList<Job> jobs, IReadOnlyList<string> rules)
    {
        var yaml = new StringBuilder();
        yaml.Append("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n");
        if (rules.Count > 0)
        {
            yaml.Append("rule_files:\n");
            foreach (var rule in rules)
            {
                yaml.Append("  - ").Append(JsonSerializer.Serialize(rule)).Append('\n');
            }
        }
        yaml.Append("scrape_configs:\n");
        foreach (var job in jobs)
        {
            yaml.Append("  - job_name: ").Append(JsonSerializer.Serialize(job.Name)).Append('\n')
                .Append("    metrics_path: ").Append(JsonSerializer.Serialize(job.MetricsPath)).Append('\n')
                .Append("    static_configs:\n      - targets: [")
                .Append(string.Join(", ", job.Targets.Select(t => JsonSerializer.Serialize(new Uri(t).Authority))))
                .Append("]\n");
        }
        return yaml.ToString();
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(CancellationToken.None);
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode} before it was ready.\n{Output}");
            }
            try
            {
                using var response = await Http.GetAsync("/-/ready", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"prometheus did not answer /-/ready within {ReadyTimeout.TotalSeconds:0} s.\n{Output}");
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Terminate(_process.Id);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }
        ServerRegistry.Unregister(this);
        _process.Dispose();
        Http.Dispose();
        RunDirectories.Remove(_dir);
    }

    public override string ToString() => $"prometheus ({Url}, {_dir})";
}
