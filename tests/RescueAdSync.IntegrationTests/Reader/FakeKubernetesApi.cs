using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// No Kubernetes API server runs on these machines (neither kube-apiserver nor etcd is packaged in Debian 12), so this
/// is the coordination.k8s.io/v1 Lease part of it, served over real HTTP, with the API server's rules: GET 200/404,
/// POST 201 or 409 AlreadyExists, PUT 200, 404 when missing, 409 Conflict when the body's metadata.resourceVersion is
/// not the stored one (an empty one is an unconditional update, as Leases allow), 401 without the bearer token;
/// errors are v1 Status objects; every write gets a new resourceVersion.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private const string Prefix = "/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
    private readonly WebApplication _app;
    private readonly Dictionary<(string Namespace, string Name), JsonObject> _leases = new();
    private long _resourceVersion = 1000;

    private FakeKubernetesApi(WebApplication app) => _app = app;

    public string Token { get; } = $"token-{Guid.NewGuid():N}";

    public string Url { get; private set; } = "";

    /// <summary>Every request as "METHOD status", in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>When set, the next PUT finds the Lease changed by someone else just before it (a racing replica).</summary>
    public bool RaceNextPut { get; set; }

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new FakeKubernetesApi(app);
        app.MapGet($"{Prefix}/{{name}}", (HttpContext context, string ns, string name) => api.Handle(context, () => api.Get(ns, name)));
        app.MapPost(Prefix, async (HttpContext context, string ns) =>
        {
            var body = await Body(context);
            return api.Handle(context, () => api.Create(ns, body));
        });
        app.MapPut($"{Prefix}/{{name}}", async (HttpContext context, string ns, string name) =>
        {
            var body = await Body(context);
            return api.Handle(context, () => api.Update(ns, name, body));
        });
        await app.StartAsync();
        api.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return api;
    }

    /// <summary>The stored Lease's spec, or null.</summary>
    public JsonObject? Spec(string ns, string name)
    {
        lock (_leases)
        {
            return _leases.TryGetValue((ns, name), out var lease) ? (JsonObject)lease["spec"]!.DeepClone() : null;
        }
    }

    private static async Task<JsonObject?> Body(HttpContext context) =>
        JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject;

    private IResult Handle(HttpContext context, Func<(int Status, JsonObject Body)> action)
    {
        var (status, body) = context.Request.Headers.Authorization.ToString() == $"Bearer {Token}"
            ? action()
            : (401, Status(401, "Unauthorized", "Unauthorized"));
        Requests.Enqueue($"{context.Request.Method} {status}");
        return Results.Text(body.ToJsonString(), "application/json", statusCode: status);
    }

    private (int, JsonObject) Get(string ns, string name)
    {
        lock (_leases)
        {
            return _leases.TryGetValue((ns, name), out var lease) ? (200, (JsonObject)lease.DeepClone()) : NotFound(name);
        }
    }

    private (int, JsonObject) Create(string ns, JsonObject? body)
    {
        var name = body?["metadata"]?["name"]?.GetValue<string>();
        if (body is null || string.IsNullOrEmpty(name))
        {
            return (400, Status(400, "BadRequest", "metadata.name: Required value"));
        }
        lock (_leases)
        {
            if (_leases.ContainsKey((ns, name)))
            {
                return (409, Status(409, "AlreadyExists", $"leases.coordination.k8s.io \"{name}\" already exists"));
            }
            var metadata = (JsonObject)body["metadata"]!;
            metadata["namespace"] = ns;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            metadata["resourceVersion"] = NextVersion();
            _leases[(ns, name)] = (JsonObject)body.DeepClone();
            return (201, body);
        }
    }

    private (int, JsonObject) Update(string ns, string name, JsonObject? body)
    {
        if (body?["metadata"]?["name"]?.GetValue<string>() != name)
        {
            return (400, Status(400, "BadRequest", "the name of the object does not match the name on the URL"));
        }
        lock (_leases)
        {
            if (!_leases.TryGetValue((ns, name), out var stored))
            {
                return NotFound(name);
            }
            if (RaceNextPut)
            {
                RaceNextPut = false;
                stored["metadata"]!["resourceVersion"] = NextVersion();
            }
            var sent = body["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(sent) && sent != stored["metadata"]!["resourceVersion"]!.GetValue<string>())
            {
                return (409, Status(409, "Conflict",
                    $"Operation cannot be fulfilled on leases.coordination.k8s.io \"{name}\": the object has been modified; please apply your changes to the latest version and try again"));
            }
            body["metadata"]!["resourceVersion"] = NextVersion();
            body["metadata"]!["uid"] = stored["metadata"]!["uid"]!.GetValue<string>();
            _leases[(ns, name)] = (JsonObject)body.DeepClone();
            return (200, body);
        }
    }

    private string NextVersion() => Interlocked.Increment(ref _resourceVersion).ToString(CultureInfo.InvariantCulture);

    private static (int, JsonObject) NotFound(string name) =>
        (404, Status(404, "NotFound", $"leases.coordination.k8s.io \"{name}\" not found"));

    private static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
