using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// A throwaway RabbitMQ cluster of local processes (Debian's rabbitmq-server), started by deploy/local/rabbitmq-cluster.sh on
/// free ports: three nodes named rabbit-&lt;amqpPort&gt;@localhost, one Erlang cookie, one epmd, management plugin on each,
/// user guest/guest. Single nodes can be stopped, SIGKILLed and started again; a node started again rejoins the cluster.
/// </summary>
public sealed class RabbitMqCluster : IAsyncDisposable
{
    private readonly ScriptServer _server;
    private readonly int[] _amqp;
    private readonly int[] _management;

    private RabbitMqCluster(ScriptServer server, int[] amqp, int[] management)
    {
        _server = server;
        _amqp = amqp;
        _management = management;
    }

    public int Count => _amqp.Length;
    public string Username => "guest";
    public string Password => "guest";

    /// <summary>How long the whole cluster took to start, for the test log.</summary>
    public TimeSpan StartDuration => _server.LastStartDuration;

    /// <summary>The value of RabbitMq:Nodes for this cluster: "127.0.0.1:port,…".</summary>
    public string Nodes => string.Join(",", _amqp.Select(p => $"127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>The AMQP port of node <paramref name="node"/> (1-based).</summary>
    public int AmqpPort(int node) => _amqp[node - 1];

    /// <summary>The management port of node <paramref name="node"/> (1-based).</summary>
    public int ManagementPort(int node) => _management[node - 1];

    /// <summary>The Erlang node name of node <paramref name="node"/>, as the management API names queue leaders.</summary>
    public string NodeName(int node) => $"rabbit-{_amqp[node - 1].ToString(CultureInfo.InvariantCulture)}@localhost";

    /// <summary>The node number (1-based) of an Erlang node name.</summary>
    public int NodeNumber(string nodeName) => Enumerable.Range(1, Count).Single(i => NodeName(i) == nodeName);

    public static async Task<RabbitMqCluster> StartAsync(int nodes = 3, CancellationToken ct = default)
    {
        var amqp = new int[nodes];
        var management = new int[nodes];
        var specs = new List<string> { Ports.GetFree().ToString(CultureInfo.InvariantCulture) };
        for (var i = 0; i < nodes; i++)
        {
            amqp[i] = Ports.GetFree();
            management[i] = Ports.GetFree();
            specs.Add(FormattableString.Invariant($"{amqp[i]}:{management[i]}:{Ports.GetFree()}"));
        }
        var server = new ScriptServer("rabbitmq-cluster.sh", RunDirectories.Create("rabbitmq-cluster"), specs);
        var cluster = new RabbitMqCluster(server, amqp, management);
        // The script's own emergency stop knows the cluster dir only: each node's broker and the shared epmd get one too.
        ServerRegistry.Register(cluster, cluster.EmergencyStop);
        try
        {
            await server.StartAsync(ct);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>SIGKILLs node <paramref name="node"/> (its broker process group), as a crash would.</summary>
    public Task KillNodeAsync(int node) => _server.RunLockedAsync(["node-kill", _server.RunDir, Number(node)]);

    /// <summary>Stops node <paramref name="node"/> gracefully (rabbitmqctl stop).</summary>
    public Task StopNodeAsync(int node) => _server.RunLockedAsync(["node-stop", _server.RunDir, Number(node)]);

    /// <summary>
    /// Starts a stopped or killed node again, on its ports and data; returns once it runs and has rejoined, and
    /// <paramref name="running"/> nodes (by default all) run in the cluster.
    /// </summary>
    public async Task StartNodeAsync(int node, int? running = null)
    {
        await _server.RunLockedAsync(["node-start", _server.RunDir, Number(node)]);
        await AwaitRunningNodesAsync(running ?? Count);
    }

    /// <summary>Waits until <paramref name="count"/> nodes run in the cluster (rabbitmqctl await_online_nodes).</summary>
    public Task AwaitRunningNodesAsync(int count) =>
        _server.RunLockedAsync(["await", _server.RunDir, count.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>Creates a virtual host (cluster-wide) with all permissions for guest, through node <paramref name="node"/>.</summary>
    public async Task CreateVirtualHostAsync(string vhost, int node = 1)
    {
        using var http = Management(node);
        var escaped = Uri.EscapeDataString(vhost);
        (await http.PutAsync($"/api/vhosts/{escaped}", Json("{}"))).EnsureSuccessStatusCode();
        (await http.PutAsync($"/api/permissions/{escaped}/{Uri.EscapeDataString(Username)}",
            Json("""{"configure":".*","write":".*","read":".*"}"""))).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// The quorum queues of a virtual host with their leader node and member nodes, as node <paramref name="node"/>'s
    /// management API reports them.
    /// </summary>
    public async Task<IReadOnlyList<QuorumQueue>> GetQuorumQueuesAsync(string vhost, int node = 1)
    {
        using var http = Management(node);
        var body = await http.GetStringAsync($"/api/queues/{Uri.EscapeDataString(vhost)}?columns=name,type,leader,members,online");
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.EnumerateArray()
            .Where(q => q.TryGetProperty("type", out var type) && type.GetString() == "quorum")
            .Select(q => new QuorumQueue(
                q.GetProperty("name").GetString()!,
                q.TryGetProperty("leader", out var leader) ? leader.GetString() ?? "" : "",
                q.TryGetProperty("members", out var members) ? [.. members.EnumerateArray().Select(m => m.GetString()!)] : [],
                q.TryGetProperty("online", out var online) ? [.. online.EnumerateArray().Select(m => m.GetString()!)] : []))];
    }

    /// <summary>The durable queues of a virtual host that are not quorum queues (each lives on one node): their names.</summary>
    public async Task<IReadOnlyList<string>> GetDurableClassicQueuesAsync(string vhost, int node = 1)
    {
        using var http = Management(node);
        var body = await http.GetStringAsync($"/api/queues/{Uri.EscapeDataString(vhost)}?columns=name,type,durable");
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.EnumerateArray()
            .Where(q => q.GetProperty("durable").GetBoolean() && q.GetProperty("type").GetString() != "quorum")
            .Select(q => q.GetProperty("name").GetString()!)];
    }

    /// <summary>The client connections to a virtual host: each one's client-provided name (or peer port) and node.</summary>
    public async Task<IReadOnlyList<(string Name, string Node)>> GetConnectionsAsync(string vhost, int node = 1)
    {
        using var http = Management(node);
        var body = await http.GetStringAsync($"/api/vhosts/{Uri.EscapeDataString(vhost)}/connections");
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.EnumerateArray().Select(c => (
            c.TryGetProperty("user_provided_name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : $"port {c.GetProperty("peer_port")}",
            c.GetProperty("node").GetString()!))];
    }

    /// <summary>Messages in a queue of a virtual host (0 when the queue does not exist), as node <paramref name="node"/> reports them.</summary>
    public async Task<int> GetMessageCountAsync(string vhost, string queue, int node = 1)
    {
        using var http = Management(node);
        using var response = await http.GetAsync($"/api/queues/{Uri.EscapeDataString(vhost)}/{Uri.EscapeDataString(queue)}?columns=messages");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }

        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt32() : 0;
    }

    /// <summary>Every queue of a virtual host with its type, messages and consumers, as node <paramref name="node"/> reports them.</summary>
    public async Task<IReadOnlyList<QueueDepth>> GetQueueDepthsAsync(string vhost, int node = 1)
    {
        using var http = Management(node);
        var body = await http.GetStringAsync($"/api/queues/{Uri.EscapeDataString(vhost)}?columns=name,type,messages,consumers");
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.EnumerateArray().Select(q => new QueueDepth(
            q.GetProperty("name").GetString()!,
            q.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "",
            q.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt32() : 0,
            q.TryGetProperty("consumers", out var consumers) && consumers.ValueKind == JsonValueKind.Number ? consumers.GetInt32() : 0))];
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        ServerRegistry.Unregister(this);
    }

    private HttpClient Management(int node)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ManagementPort(node)}"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Username}:{Password}")));
        return http;
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private string Number(int node) =>
        node >= 1 && node <= Count ? node.ToString(CultureInfo.InvariantCulture) : throw new ArgumentOutOfRangeException(nameof(node));

    private void EmergencyStop()
    {
        var pidFiles = Enumerable.Range(1, Count).Select(i => Path.Combine(_server.RunDir, $"node{i}", "pid"))
            .Append(Path.Combine(_server.RunDir, "epmd.pid"));
        foreach (var pidFile in pidFiles)
        {
            try
            {
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
                {
                    Signals.SendToGroup(pid, Signals.SigTerm);
                }
            }
            catch (IOException)
            {
                // Not running.
            }
        }
    }

    public override string ToString() => $"RabbitMQ cluster {_server.RunDir}";
}

/// <summary>A quorum queue, its leader node and its member nodes (Erlang node names).</summary>
public sealed record QuorumQueue(string Name, string Leader, IReadOnlyList<string> Members, IReadOnlyList<string> Online);

/// <summary>A queue's type (classic, quorum), its messages and its consumers.</summary>
public sealed record QueueDepth(string Name, string Type, int Messages, int Consumers);
