using RescueAdSync.Deployment.Tests.Infrastructure;

namespace RescueAdSync.Deployment.Tests;

/// <summary>
/// The NetworkPolicies of each overlay admit every connection the services make, and the config service, which hands
/// decrypted credentials to the ad-reader and the provisioner, admits no one else but Prometheus.
/// </summary>
public sealed class KubernetesNetworkPolicyTests
{
    private static readonly int[] DirectoryPorts = [389, 636, 3268, 3269];

    private static readonly Endpoint Prometheus =
        Endpoint.Pod("Prometheus", "monitoring", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus" });

    private static readonly Endpoint KubeDns =
        Endpoint.Pod("kube-dns", "kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" });

    public sealed record Connection(string Why, Endpoint From, Endpoint To, int Port, string Protocol = "TCP")
    {
        public override string ToString() => $"{From} → {To} {Protocol}/{Port} ({Why})";
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Every_connection_the_services_make_is_admitted_by_the_network_policies(string overlay)
    {
        var resources = Overlays.Render(overlay);
        var policies = NetworkPolicies.Of(resources);
        var refused = Needed(resources)
            .Select(c => (Connection: c, Refusal: policies.Refusal(c.From, c.To, c.Port, c.Protocol)))
            .Where(x => x.Refusal is not null)
            .Select(x => $"{x.Connection}: {x.Refusal}")
            .ToList();
        Assert.True(refused.Count == 0, $"k8s/overlays/{overlay} blocks:\n{string.Join('\n', refused)}");
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Config_service_which_hands_out_credentials_admits_only_the_reader_the_provisioner_and_Prometheus(string overlay)
    {
        var resources = Overlays.Render(overlay);
        var policies = NetworkPolicies.Of(resources);
        var (config, port) = Resolve(resources, new Uri(Setting(resources, "ad-reader-settings", "ConfigService__Url")));

        var admitted = new[] { Pod(resources, "ad-reader"), Pod(resources, "provisioner"), Prometheus };
        Assert.All(admitted, from => Assert.Null(policies.Refusal(from, config, port)));

        var others = resources
            .Where(r => r.PodTemplate is not null && r.Name is not ("ad-reader" or "provisioner" or "config"))
            .Select(r => Pod(resources, r.Name))
            .Append(Endpoint.Pod("a pod without the services' labels", policies.Namespace, new Dictionary<string, string> { ["run"] = "debug" }))
            .Append(Endpoint.Pod("a pod of another namespace", "default", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "ad-reader" }))
            .Append(Endpoint.Outside("an address outside the cluster"))
            .ToList();
        Assert.Contains(others, o => o.Description == "a pod without the services' labels");
        Assert.All(others, from => Assert.True(policies.Refusal(from, config, port) is not null, $"{from} reaches the config service"));
    }

    /// <summary>
    /// Every connection a service of the overlay makes: the config service and the broker from the ConfigMaps, the
    /// scrapes from the ServiceMonitors, and what is configured at run time through the config API (the Rescue API,
    /// the directory) from what the code calls.
    /// </summary>
    public static IReadOnlyList<Connection> Needed(IReadOnlyList<Resource> resources)
    {
        var reader = Pod(resources, "ad-reader");
        var provisioner = Pod(resources, "provisioner");
        var config = Pod(resources, "config");
        var connections = new List<Connection>();

        foreach (var (client, settings) in new[] { (reader, "ad-reader-settings"), (provisioner, "provisioner-settings") })
        {
            var (service, port) = Resolve(resources, new Uri(Setting(resources, settings, "ConfigService__Url")));
            connections.Add(new("settings and credentials from the config service", client, service, port));
            var (broker, amqp) = Resolve(resources, new Uri($"amqp://{Setting(resources, settings, "RabbitMq__Host")}:{Setting(resources, settings, "RabbitMq__Port")}"));
            connections.Add(new("RabbitMQ", client, broker, amqp));
        }

        // The Rescue API: the emulator's Service where the overlay runs it, otherwise the real API over HTTPS.
        var (rescue, rescuePort) = resources.Any(r => r.Kind == "Service" && r.Name == "rescue-emulator")
            ? Resolve(resources, new Uri("http://rescue-emulator:8080"))
            : (Endpoint.Outside("the Rescue API"), 443);
        connections.Add(new("Rescue API calls", provisioner, rescue, rescuePort));
        connections.Add(new("getAccount when the Rescue account is set, getHierarchy_v2 when a mapping is added", config, rescue, rescuePort));

        foreach (var port in DirectoryPorts)
        {
            connections.Add(new("reading the directory", reader, Endpoint.Outside("a domain controller"), port));
            connections.Add(new("resolving a mapping's group name in its directory", config, Endpoint.Outside("a domain controller"), port));
        }

        foreach (var port in new[] { 443, 6443 })
        {
            connections.Add(new("the leader-election Lease", reader, Endpoint.Outside("the Kubernetes API server"), port));
        }

        if (resources.Any(r => r.Kind == "Service" && r.Name == "postgres"))
        {
            var (postgres, port) = Resolve(resources, new Uri("postgresql://postgres:5432"));
            connections.Add(new("the config database", config, postgres, port));
            foreach (var job in resources.Where(r => r.Kind == "Job"))
            {
                connections.Add(new("migrating the config database", Pod(resources, job.Name), postgres, port));
            }
        }

        foreach (var monitor in resources.Where(r => r.Kind == "ServiceMonitor"))
        {
            var service = resources.Single(r => r.Kind == "Service" &&
                NetworkPolicies.Selects(monitor.Node.At("spec", "selector"), r.Node.At("metadata", "labels").StringMap()));
            foreach (var endpoint in monitor.Node.Items("spec", "endpoints"))
            {
                var servicePort = service.Node.Items("spec", "ports").Single(p => p.Text("name") == endpoint.Text("port"));
                var (target, port) = Resolve(resources, new Uri($"http://{service.Name}:{servicePort.Text("port")}"));
                connections.Add(new($"scraping {endpoint.Text("path") ?? "/metrics"}", Prometheus, target, port));
            }
        }

        foreach (var workload in resources.Where(r => r.PodTemplate is not null))
        {
            connections.Add(new("DNS", Pod(resources, workload.Name), KubeDns, 53, "UDP"));
            connections.Add(new("DNS", Pod(resources, workload.Name), KubeDns, 53, "TCP"));
        }

        return connections;
    }

    private static string Setting(IReadOnlyList<Resource> resources, string configMap, string key) =>
        resources.Single(r => r.Kind == "ConfigMap" && r.Name == configMap).Node.Text("data", key)
        ?? throw new InvalidOperationException($"ConfigMap {configMap} has no {key}");

    private static Endpoint Pod(IReadOnlyList<Resource> resources, string workload)
    {
        var resource = resources.Single(r => r.PodTemplate is not null && r.Name == workload);
        return Endpoint.Pod($"{resource.Kind}/{resource.Name}", resource.Node.Text("metadata", "namespace")!, resource.PodLabels);
    }

    /// <summary>
    /// The pod behind a host and port: a short name is a Service of the namespace (its selector, its targetPort
    /// resolved to the container port); name.namespace.svc.cluster.local is a pod of that other namespace.
    /// </summary>
    private static (Endpoint Pod, int Port) Resolve(IReadOnlyList<Resource> resources, Uri uri)
    {
        var labels = uri.Host.Split('.');
        if (labels.Length > 1)
        {
            Assert.True(labels.Length >= 3 && labels[2] == "svc", $"{uri.Host} is neither a Service of the namespace nor <service>.<namespace>.svc");
            return (Endpoint.Pod($"{labels[0]} in namespace {labels[1]}", labels[1],
                new Dictionary<string, string> { ["app.kubernetes.io/name"] = labels[0] }), uri.Port);
        }

        var service = resources.SingleOrDefault(r => r.Kind == "Service" && r.Name == uri.Host);
        Assert.True(service is not null, $"{uri} names no Service of the overlay");
        var servicePort = service.Node.Items("spec", "ports").SingleOrDefault(p => p.Text("port") == uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(servicePort is not null, $"Service {service.Name} has no port {uri.Port}");
        var selector = service.Node.At("spec", "selector").StringMap();
        var workload = resources.First(r => r.IsWorkload && selector.All(kv => r.PodLabels.TryGetValue(kv.Key, out var v) && v == kv.Value));
        var target = servicePort.Text("targetPort") ?? servicePort.Text("port")!;
        var containerPort = int.TryParse(target, out var number)
            ? number
            : int.Parse(workload.Containers.SelectMany(c => c.Items("ports")).Single(p => p.Text("name") == target).Text("containerPort")!,
                System.Globalization.CultureInfo.InvariantCulture);
        return (Pod(resources, workload.Name), containerPort);
    }
}
