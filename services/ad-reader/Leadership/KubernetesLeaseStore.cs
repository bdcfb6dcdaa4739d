using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RescueAdSync.AdReader.Leadership;

/// <summary>
/// The leader lease as a coordination.k8s.io/v1 Lease, with the rules of client-go's leader election: read the Lease;
/// create it when missing; renew it when this replica holds it; take it over only when its holder has not renewed it for
/// leaseDurationSeconds as measured on this replica's clock (from when the current record was first seen, so clocks
/// of different nodes never have to agree). Every write carries the resourceVersion read, so of two replicas writing at
/// once the API server accepts one and answers 409 Conflict to the other, which then counts as "held by another".
/// </summary>
public sealed class KubernetesLeaseStore(HttpClient http, KubernetesApiSettings api, TimeProvider time, ILogger<KubernetesLeaseStore> logger)
    : ILeaseStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string ResourceVersion, DateTimeOffset SeenAt)> _observed = new(StringComparer.Ordinal);

    private string Collection => $"apis/coordination.k8s.io/v1/namespaces/{Uri.EscapeDataString(api.Namespace)}/leases";

    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)ttl.TotalSeconds);
        var now = time.GetUtcNow();
        var current = await GetAsync(name, cancellationToken);
        if (current is null)
        {
            var lease = new JsonObject
            {
                ["apiVersion"] = "coordination.k8s.io/v1",
                ["kind"] = "Lease",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = api.Namespace },
                ["spec"] = Spec(holder, seconds, acquireTime: now, renewTime: now, transitions: 0),
            };
            using var created = await SendAsync(HttpMethod.Post, Collection, lease, cancellationToken);
            if (created.StatusCode == HttpStatusCode.Conflict)
            {
                // Another replica created it between our read and our write.
                return false;
            }
            await EnsureSuccessAsync(created, $"creating lease '{name}'", cancellationToken);
            return true;
        }

        var spec = current["spec"] as JsonObject ?? [];
        var resourceVersion = current["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";
        var currentHolder = spec["holderIdentity"]?.GetValue<string>();
        var duration = spec["leaseDurationSeconds"]?.GetValue<int>() ?? seconds;
        var transitions = spec["leaseTransitions"]?.GetValue<int>() ?? 0;
        var seenAt = Observe(name, resourceVersion, now);
        var ours = string.Equals(currentHolder, holder, StringComparison.Ordinal);
        if (!ours && !string.IsNullOrEmpty(currentHolder) && now < seenAt + TimeSpan.FromSeconds(duration))
        {
            return false;
        }

        var acquireTime = ours && spec["acquireTime"]?.GetValue<string>() is { } acquired
            ? DateTimeOffset.Parse(acquired, CultureInfo.InvariantCulture)
            : now;
        current["spec"] = Spec(holder, seconds, acquireTime, now, ours ? transitions : transitions + 1);
        using var updated = await SendAsync(HttpMethod.Put, $"{Collection}/{Uri.EscapeDataString(name)}", current, cancellationToken);
        if (updated.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // Someone else wrote (or deleted) it since our read: theirs, for now.
            return false;
        }
        await EnsureSuccessAsync(updated, ours ? $"renewing lease '{name}'" : $"taking over lease '{name}' from '{currentHolder}'", cancellationToken);
        if (!ours)
        {
            logger.KubernetesLeaseTakenOver(api.Namespace, name, string.IsNullOrEmpty(currentHolder) ? "nobody" : currentHolder, duration);
        }
        return true;
    }

    public async Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        var current = await GetAsync(name, cancellationToken);
        if (current?["spec"] is not JsonObject spec || spec["holderIdentity"]?.GetValue<string>() != holder)
        {
            return;
        }
        // As client-go releases: no holder, a one-second duration, so a follower takes it at its next attempt.
        spec["holderIdentity"] = null;
        spec["leaseDurationSeconds"] = 1;
        spec["renewTime"] = MicroTime(time.GetUtcNow());
        using var response = await SendAsync(HttpMethod.Put, $"{Collection}/{Uri.EscapeDataString(name)}", current, cancellationToken);
        if (response.StatusCode is not HttpStatusCode.Conflict and not HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(response, $"releasing lease '{name}'", cancellationToken);
        }
    }

    /// <summary>When this replica first saw the record with this resourceVersion: a holder that renews changes it.</summary>
    private DateTimeOffset Observe(string name, string resourceVersion, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_observed.TryGetValue(name, out var seen) && seen.ResourceVersion == resourceVersion)
            {
                return seen.SeenAt;
            }
            _observed[name] = (resourceVersion, now);
            return now;
        }
    }

    private async Task<JsonObject?> GetAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{Collection}/{Uri.EscapeDataString(name)}", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        await EnsureSuccessAsync(response, $"reading lease '{name}'", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return JsonNode.Parse(body) as JsonObject ?? throw new LeaseStoreException($"The Kubernetes API answered lease '{name}' with something that is not an object.");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(api.BaseAddress, path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // Read at every request: projected service-account tokens are rotated by the kubelet.
        if (api.ReadToken() is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new LeaseStoreException($"The Kubernetes API at {api.BaseAddress} did not answer: {ex.Message}");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        // The API server explains in a Status object (e.g. RBAC: "cannot update resource leases"); it holds no secret.
        var detail = "";
        try
        {
            using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            detail = status.RootElement.TryGetProperty("message", out var message) ? $": {message.GetString()}" : "";
        }
        catch (JsonException)
        {
        }
        throw new LeaseStoreException($"Kubernetes API {what} failed: HTTP {(int)response.StatusCode}{detail}");
    }

    private static JsonObject Spec(string holder, int seconds, DateTimeOffset acquireTime, DateTimeOffset renewTime, int transitions) => new()
    {
        ["holderIdentity"] = holder,
        ["leaseDurationSeconds"] = seconds,
        ["acquireTime"] = MicroTime(acquireTime),
        ["renewTime"] = MicroTime(renewTime),
        ["leaseTransitions"] = transitions,
    };

    /// <summary>Kubernetes MicroTime: RFC 3339 in UTC with microseconds.</summary>
    private static string MicroTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
