using System.Net;
using YamlDotNet.RepresentationModel;

namespace RescueAdSync.Deployment.Tests.Infrastructure;

/// <summary>
/// One end of a connection: a pod (its namespace and labels) or an address outside the cluster.
/// </summary>
public sealed record Endpoint(string Description, string? Namespace, IReadOnlyDictionary<string, string> Labels, IPAddress? Address)
{
    /// <summary>A public address (TEST-NET-3) standing for a server outside the cluster: Rescue, a domain controller.</summary>
    public static Endpoint Outside(string description) => new(description, null, new Dictionary<string, string>(), IPAddress.Parse("203.0.113.10"));

    public static Endpoint Pod(string description, string ns, IReadOnlyDictionary<string, string> labels) => new(description, ns, labels, null);

    public override string ToString() => Description;
}

/// <summary>
/// Decides whether the rendered NetworkPolicies of a namespace let a connection through, with the rules of
/// the Kubernetes API (networking.k8s.io/v1): a pod selected by no policy of a direction is open in that direction;
/// a pod selected by some is open only to what one of their rules admits; both the source's egress and the
/// destination's ingress must admit the connection. ipBlock peers match addresses outside the cluster only, which is
/// how most network plugins treat pod traffic.
/// </summary>
public sealed class NetworkPolicies(string ns, IReadOnlyList<Resource> policies)
{
    public static NetworkPolicies Of(IReadOnlyList<Resource> resources)
    {
        var ns = resources.Single(r => r.Kind == "Namespace").Name;
        return new NetworkPolicies(ns, resources.Where(r => r.Kind == "NetworkPolicy").ToList());
    }

    public string Namespace => ns;

    /// <summary>Null when the connection is allowed, otherwise which side refuses it.</summary>
    public string? Refusal(Endpoint from, Endpoint to, int port, string protocol = "TCP")
    {
        if (from.Namespace == ns && !Admits(from, "Egress", "egress", "to", to, port, protocol))
        {
            return $"the egress policies of {from} do not admit {to} on {protocol}/{port}";
        }

        if (to.Namespace == ns && !Admits(to, "Ingress", "ingress", "from", from, port, protocol))
        {
            return $"the ingress policies of {to} do not admit {from} on {protocol}/{port}";
        }

        return null;
    }

    private bool Admits(Endpoint pod, string type, string rulesKey, string peersKey, Endpoint peer, int port, string protocol)
    {
        var selecting = policies
            .Where(p => Selects(p.Node.At("spec", "podSelector"), pod.Labels))
            .Where(p => p.Node.Items("spec", "policyTypes").Any(t => t.Text() == type))
            .ToList();
        if (selecting.Count == 0)
        {
            return true;
        }

        return selecting.SelectMany(p => p.Node.Items("spec", rulesKey)).Any(rule =>
            PortMatches(rule.At("ports"), port, protocol) &&
            (rule.At(peersKey) is not YamlSequenceNode peers || peers.Children.Count == 0 || peers.Children.Any(p => PeerMatches(p, peer))));
    }

    private static bool PortMatches(YamlNode? ports, int port, string protocol) =>
        ports is not YamlSequenceNode list || list.Children.Count == 0 || list.Children.Any(p =>
            (p.Text("protocol") ?? "TCP") == protocol &&
            (p.Text("port") is not { } value ||
             (int.TryParse(value, out var from) && port >= from && port <= (int.TryParse(p.Text("endPort"), out var to) ? to : from))));

    private bool PeerMatches(YamlNode peer, Endpoint endpoint)
    {
        if (peer.At("ipBlock") is { } block)
        {
            return endpoint.Address is { } address
                && IPNetwork.Parse(block.Text("cidr")!).Contains(address)
                && !block.Items("except").Any(e => IPNetwork.Parse(e.Text()!).Contains(address));
        }

        if (endpoint.Namespace is null)
        {
            return false;
        }

        var podSelector = peer.At("podSelector");
        var namespaceSelector = peer.At("namespaceSelector");
        var namespaceOk = namespaceSelector is null
            ? endpoint.Namespace == ns
            : Selects(namespaceSelector, new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = endpoint.Namespace });
        return namespaceOk && (podSelector is null || Selects(podSelector, endpoint.Labels));
    }

    /// <summary>A label selector (matchLabels and matchExpressions); an empty one selects everything.</summary>
    public static bool Selects(YamlNode? selector, IReadOnlyDictionary<string, string> labels) =>
        selector.At("matchLabels").StringMap().All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value) &&
        selector.Items("matchExpressions").All(e =>
        {
            var key = e.Text("key")!;
            var values = e.Items("values").Select(v => v.Text()).ToHashSet();
            var has = labels.TryGetValue(key, out var value);
            return e.Text("operator") switch
            {
                "In" => has && values.Contains(value),
                "NotIn" => !has || !values.Contains(value),
                "Exists" => has,
                "DoesNotExist" => !has,
                var op => throw new InvalidOperationException($"unknown selector operator {op}"),
            };
        });
}
