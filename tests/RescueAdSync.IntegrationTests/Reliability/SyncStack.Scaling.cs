using System.Net.Http.Json;
using RabbitMQ.Client;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.EndToEnd;

// For the reliability suite's scale-out and Rescue-fault cases: more replicas of a service, reader leadership, and the
// emulator's connection-reset fault.
public sealed partial class SyncStack
{
    /// <summary>
    /// Starts one more replica of "provisioner" or "ad-reader" with the same environment as the first (same config service,
    /// same key, same virtual host, the same added settings such as a cluster's RabbitMq__Nodes), named "&lt;stack&gt;-&lt;role&gt;-&lt;n&gt;".
    /// </summary>
    public async Task<ServiceProcess> StartReplicaAsync(string role)
    {
        var config = Service("config");
        var prefix = config.Name[..^"-config".Length];
        var (folder, assembly, key, overrides) = role switch
        {
            "provisioner" => ("provisioner", "RescueAdSync.Provisioner", _provisionerKey, _provisionerEnvironment),
            "ad-reader" => ("ad-reader", "RescueAdSync.AdReader", _readerKey, _readerEnvironment),
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, "provisioner or ad-reader"),
        };
        var replicas = _processes.Count(p => p.Name.StartsWith($"{prefix}-{role}", StringComparison.Ordinal));
        return await StartAsync($"{prefix}-{role}-{replicas + 1}", folder, assembly, ServiceEnvironment(config, key).Overlay(overrides));
    }

    /// <summary>Every process of a role: the first one and its replicas.</summary>
    public IReadOnlyList<ServiceProcess> Replicas(string role)
    {
        var prefix = Service("config").Name[..^"-config".Length];
        return _processes.Where(p => p.Name == $"{prefix}-{role}" || p.Name.StartsWith($"{prefix}-{role}-", StringComparison.Ordinal)).ToList();
    }

    /// <summary>True while this ad-reader holds the leader lease (its adsync_reader_leader gauge is 1); false when it follows or is down.</summary>
    public static async Task<bool> IsLeaderAsync(ServiceProcess reader)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var metrics = await http.GetStringAsync($"{reader.Url}/metrics");
            return metrics.Split('\n').Any(line => line.StartsWith("adsync_reader_leader ", StringComparison.Ordinal) && line.Trim().EndsWith(" 1", StringComparison.Ordinal));
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The sum of every sample of a metric (all label sets) on a service's /metrics, e.g. "adsync_provisioner_operations_total"
    /// or "adsync_sync_lag_seconds_sum"; 0 when the metric has no sample yet.
    /// </summary>
    public static async Task<double> MetricSumAsync(ServiceProcess service, string metric)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = await http.GetStringAsync($"{service.Url}/metrics");
        var sum = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length <= metric.Length || line[metric.Length] is not (' ' or '{'))
            {
                continue;
            }

            var value = line[(line.LastIndexOf(' ') + 1)..];
            if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                sum += v;
            }
        }
        return sum;
    }

    /// <summary>
    /// The next <paramref name="count"/> calls (of <paramref name="method"/>, or of any method) get an answer outside the
    /// contract: "unknown-code", "truncated" (applied, then the answer breaks off) or "html" (an error page with <paramref name="status"/>).
    /// </summary>
    public async Task InjectSurpriseAsync(string kind, string? method = null, int count = 1, int status = 200) =>
        (await _emulatorHttp.PostAsJsonAsync("/admin/faults/surprise", new { kind, method, count, status })).EnsureSuccessStatusCode();

    /// <summary>The next <paramref name="count"/> Rescue API calls have their connection reset (no answer at all).</summary>
    public async Task InjectConnectionResetsAsync(int count) =>
        (await _emulatorHttp.PostAsJsonAsync("/admin/faults/resets", new { count })).EnsureSuccessStatusCode();
}

internal static class EnvironmentOverlay
{
    /// <summary>The environment with <paramref name="overrides"/> added or replacing entries (unchanged when null).</summary>
    public static Dictionary<string, string?> Overlay(this Dictionary<string, string?> environment, IReadOnlyDictionary<string, string?>? overrides)
    {
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return environment;
    }
}
