using RescueAdSync.Deployment.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace RescueAdSync.Deployment.Tests;

/// <summary>
/// What a schema cannot see: every name one object uses to find another resolves in the rendered overlay
/// (selectors, ports, ConfigMaps, Secret keys, service accounts, claims, scale targets, images).
/// </summary>
public sealed class KubernetesCrossReferenceTests
{
    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Workload_selectors_match_their_pod_labels(string overlay)
    {
        foreach (var workload in Overlays.Render(overlay).Where(r => r.IsWorkload))
        {
            var selector = workload.Node.At("spec", "selector", "matchLabels").StringMap();
            Assert.NotEmpty(selector);
            Assert.True(Matches(selector, workload.PodLabels), $"{workload}: selector does not match its pod labels");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Services_select_pods_and_target_ports_those_pods_expose(string overlay)
    {
        var resources = Overlays.Render(overlay);
        foreach (var service in resources.Where(r => r.Kind == "Service"))
        {
            var selector = service.Node.At("spec", "selector").StringMap();
            var pods = PodsMatching(resources, selector).ToList();
            Assert.True(pods.Count > 0, $"{service} selects no pod");
            foreach (var port in service.Node.Items("spec", "ports"))
            {
                var target = port.Text("targetPort") ?? port.Text("port")!;
                Assert.All(pods, pod => Assert.True(ExposesPort(pod, target), $"{service} targets port {target}, which {pod} does not expose"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Disruption_budgets_and_network_policies_select_existing_pods(string overlay)
    {
        var resources = Overlays.Render(overlay);
        foreach (var pdb in resources.Where(r => r.Kind == "PodDisruptionBudget"))
        {
            Assert.True(PodsMatching(resources, pdb.Node.At("spec", "selector", "matchLabels").StringMap()).Any(), $"{pdb} selects no pod");
        }

        foreach (var policy in resources.Where(r => r.Kind == "NetworkPolicy"))
        {
            var selector = policy.Node.At("spec", "podSelector", "matchLabels").StringMap();
            if (selector.Count > 0)
            {
                Assert.True(PodsMatching(resources, selector).Any(), $"{policy} applies to no pod");
            }

            var peers = policy.Node.Items("spec", "ingress").SelectMany(i => i.Items("from"))
                .Concat(policy.Node.Items("spec", "egress").SelectMany(e => e.Items("to")));
            foreach (var peer in peers.Where(p => p.At("namespaceSelector") is null && p.At("podSelector") is not null))
            {
                var peerSelector = peer.At("podSelector", "matchLabels").StringMap();
                Assert.True(PodsMatching(resources, peerSelector).Any(),
                    $"{policy} allows pods {string.Join(",", peerSelector.Select(kv => $"{kv.Key}={kv.Value}"))}, which do not exist");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Probe_ports_exist_on_their_container(string overlay)
    {
        foreach (var workload in Overlays.Render(overlay).Where(r => r.IsWorkload))
        {
            foreach (var container in workload.Containers)
            {
                foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" }.Select(p => container.At(p)).OfType<YamlNode>())
                {
                    var port = probe.Text("httpGet", "port") ?? probe.Text("tcpSocket", "port");
                    if (port is not null)
                    {
                        Assert.True(ContainerExposes(container, port), $"{workload}: a probe uses port {port}, which the container does not declare");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Referenced_ConfigMaps_and_their_keys_exist(string overlay)
    {
        var resources = Overlays.Render(overlay);
        var configMaps = resources.Where(r => r.Kind == "ConfigMap").ToDictionary(r => r.Name, r => r.Node.At("data").Keys().ToHashSet());
        foreach (var workload in resources.Where(r => r.IsWorkload))
        {
            foreach (var container in workload.Containers)
            {
                foreach (var name in container.Items("envFrom").Select(e => e.Text("configMapRef", "name")).OfType<string>())
                {
                    Assert.True(configMaps.ContainsKey(name), $"{workload}: envFrom ConfigMap {name} does not exist");
                }

                foreach (var reference in container.Items("env").Select(e => e.At("valueFrom", "configMapKeyRef")).OfType<YamlNode>())
                {
                    var (name, key) = (reference.Text("name")!, reference.Text("key")!);
                    Assert.True(configMaps.TryGetValue(name, out var keys) && keys.Contains(key), $"{workload}: ConfigMap key {name}/{key} does not exist");
                }
            }

            foreach (var volume in workload.PodTemplate.Items("spec", "volumes").Where(v => v.At("configMap") is not null))
            {
                var name = volume.Text("configMap", "name")!;
                Assert.True(configMaps.TryGetValue(name, out var keys), $"{workload}: volume ConfigMap {name} does not exist");
                Assert.All(volume.Items("configMap", "items"), item => Assert.Contains(item.Text("key")!, keys!));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Every_referenced_Secret_key_is_in_the_secret_template(string overlay)
    {
        var template = Overlays.SecretTemplate();
        var keys = template.Node.At("stringData").Keys().ToHashSet();
        var references = new List<(string Where, string Name, string Key)>();
        var resources = Overlays.Render(overlay);
        foreach (var workload in resources.Where(r => r.IsWorkload))
        {
            foreach (var container in workload.Containers)
            {
                Assert.DoesNotContain(container.Items("envFrom"), e => e.At("secretRef") is not null);
                references.AddRange(container.Items("env").Select(e => e.At("valueFrom", "secretKeyRef")).OfType<YamlNode>()
                    .Select(r => (workload.ToString(), r.Text("name")!, r.Text("key")!)));
            }
        }

        foreach (var auth in resources.Where(r => r.Kind == "TriggerAuthentication"))
        {
            references.AddRange(auth.Node.Items("spec", "secretTargetRef").Select(r => (auth.ToString(), r.Text("name")!, r.Text("key")!)));
        }

        Assert.NotEmpty(references);
        Assert.DoesNotContain(resources, r => r.Kind == "Secret");
        foreach (var (where, name, key) in references)
        {
            Assert.True(name == template.Name && keys.Contains(key), $"{where} reads Secret {name}/{key}, which k8s/secret.template.yaml does not define");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Service_accounts_claims_roles_and_scale_targets_exist(string overlay)
    {
        var resources = Overlays.Render(overlay);
        bool Exists(string kind, string name) => resources.Any(r => r.Kind == kind && r.Name == name);

        foreach (var workload in resources.Where(r => r.IsWorkload))
        {
            var account = workload.PodTemplate.Text("spec", "serviceAccountName");
            Assert.True(account is not null && Exists("ServiceAccount", account), $"{workload}: service account {account} does not exist");
            var templates = workload.Node.Items("spec", "volumeClaimTemplates").Select(t => t.Text("metadata", "name")).ToHashSet();
            foreach (var volume in workload.PodTemplate.Items("spec", "volumes").Where(v => v.At("persistentVolumeClaim") is not null))
            {
                var claim = volume.Text("persistentVolumeClaim", "claimName")!;
                Assert.True(Exists("PersistentVolumeClaim", claim), $"{workload}: claim {claim} does not exist");
            }

            foreach (var mount in workload.Containers.SelectMany(c => c.Items("volumeMounts")))
            {
                var name = mount.Text("name");
                Assert.True(workload.PodTemplate.Items("spec", "volumes").Any(v => v.Text("name") == name) || templates.Contains(name),
                    $"{workload}: volume mount {name} has no volume");
            }
        }

        foreach (var binding in resources.Where(r => r.Kind == "RoleBinding"))
        {
            Assert.True(Exists(binding.Node.Text("roleRef", "kind")!, binding.Node.Text("roleRef", "name")!), $"{binding}: role does not exist");
            Assert.All(binding.Node.Items("subjects"), s => Assert.True(Exists("ServiceAccount", s.Text("name")!), $"{binding}: subject missing"));
        }

        var scaled = new List<string>();
        foreach (var scaler in resources.Where(r => r.Kind is "HorizontalPodAutoscaler" or "ScaledObject"))
        {
            var target = scaler.Node.Text("spec", "scaleTargetRef", "name")!;
            Assert.True(Exists("Deployment", target), $"{scaler}: scale target {target} does not exist");
            scaled.Add(target);
            Assert.Null(resources.Single(r => r.Kind == "Deployment" && r.Name == target).Node.At("spec", "replicas"));
        }

        Assert.Equal(scaled.Distinct().Count(), scaled.Count); // two autoscalers on one Deployment fight each other

        foreach (var auth in resources.Where(r => r.Kind == "ScaledObject").SelectMany(s => s.Node.Items("spec", "triggers")))
        {
            var name = auth.Text("authenticationRef", "name");
            Assert.True(name is null || Exists("TriggerAuthentication", name), $"TriggerAuthentication {name} does not exist");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void ServiceMonitors_select_a_Service_and_one_of_its_ports(string overlay)
    {
        var resources = Overlays.Render(overlay);
        var monitors = resources.Where(r => r.Kind == "ServiceMonitor").ToList();
        foreach (var monitor in monitors)
        {
            var selector = monitor.Node.At("spec", "selector", "matchLabels").StringMap();
            var services = resources.Where(r => r.Kind == "Service" && Matches(selector, r.Node.At("metadata", "labels").StringMap())).ToList();
            Assert.True(services.Count > 0, $"{monitor} selects no Service");
            foreach (var port in monitor.Node.Items("spec", "endpoints").Select(e => e.Text("port")).OfType<string>())
            {
                Assert.All(services, s => Assert.Contains(port, s.Node.Items("spec", "ports").Select(p => p.Text("name"))));
            }
        }

        foreach (var service in new[] { "config", "ad-reader", "provisioner" })
        {
            Assert.Contains(monitors, m => m.Name == service);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Project_images_are_the_ones_the_Dockerfiles_build_on_the_port_they_expose(string overlay)
    {
        var services = Repository.ContainerizedServices();
        var deployed = new List<string>();
        foreach (var workload in Overlays.Render(overlay).Where(r => r.IsWorkload))
        {
            foreach (var container in workload.Containers)
            {
                var image = container.Text("image")!;
                if (!image.StartsWith("rescue-adsync/", StringComparison.Ordinal))
                {
                    Assert.Contains(':', image); // third-party images are pinned to a tag
                    continue;
                }

                var service = image["rescue-adsync/".Length..].Split(':')[0];
                Assert.True(services.Contains(service), $"{workload} runs {image}, but services/{service}/Dockerfile does not exist");
                Assert.Contains("EXPOSE 8080", Repository.Read($"services/{service}/Dockerfile"));
                Assert.Contains(container.Items("ports"), p => p.Text("containerPort") == "8080" && p.Text("name") == "http");
                Assert.Equal(service, workload.Name);
                deployed.Add(service);
            }
        }

        Assert.Superset(new HashSet<string> { "config", "ad-reader", "provisioner" }, deployed.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Environment_variables_are_not_set_twice(string overlay)
    {
        foreach (var workload in Overlays.Render(overlay).Where(r => r.IsWorkload))
        {
            foreach (var container in workload.Containers)
            {
                var names = container.Items("env").Select(e => e.Text("name")).ToList();
                Assert.True(names.Count == names.Distinct().Count(), $"{workload}: duplicate env {string.Join(",", names)}");
            }
        }
    }

    private static bool Matches(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(kv => labels.TryGetValue(kv.Key, out var value) && value == kv.Value);

    private static IEnumerable<Resource> PodsMatching(IEnumerable<Resource> resources, IReadOnlyDictionary<string, string> selector) =>
        resources.Where(r => r.IsWorkload && Matches(selector, r.PodLabels));

    private static bool ExposesPort(Resource workload, string port) => workload.Containers.Any(c => ContainerExposes(c, port));

    private static bool ContainerExposes(YamlNode container, string port) =>
        container.Items("ports").Any(p => p.Text("name") == port || p.Text("containerPort") == port);
}
