using RescueAdSync.Deployment.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace RescueAdSync.Deployment.Tests;

/// <summary>The overlays deploy the intended design: a singleton reader, a scaled provisioner, PostgreSQL in production.</summary>
public sealed class KubernetesDesignTests
{
    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Ad_reader_is_a_singleton_allowed_to_hold_its_Lease(string overlay)
    {
        var resources = Overlays.Render(overlay);
        var reader = resources.Single(r => r.Kind == "Deployment" && r.Name == "ad-reader");
        Assert.Equal("1", reader.Node.Text("spec", "replicas"));
        Assert.Equal("Recreate", reader.Node.Text("spec", "strategy", "type"));

        var role = resources.Single(r => r.Kind == "Role" && r.Name == "ad-reader-leader-election");
        var leaseVerbs = role.Node.Items("rules")
            .Where(rule => rule.Items("apiGroups").Any(g => g.Text() == "coordination.k8s.io") && rule.Items("resources").Any(x => x.Text() == "leases"))
            .SelectMany(rule => rule.Items("verbs").Select(v => v.Text()))
            .ToHashSet();
        Assert.Superset(new HashSet<string?> { "get", "create", "update" }, leaseVerbs);
        var binding = resources.Single(r => r.Kind == "RoleBinding" && r.Name == "ad-reader-leader-election");
        Assert.Equal("ad-reader", binding.Node.Items("subjects").Single().Text("name"));

        var env = Env(reader);
        Assert.Equal("metadata.name", env["POD_NAME"].Text("valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].Text("valueFrom", "fieldRef", "fieldPath"));
    }

    [Fact]
    public void Production_scales_the_provisioner_with_KEDA_on_the_user_changed_queue()
    {
        var resources = Overlays.Render("production");
        Assert.DoesNotContain(resources, r => r.Kind == "HorizontalPodAutoscaler");
        var scaled = resources.Single(r => r.Kind == "ScaledObject");
        Assert.Equal("provisioner", scaled.Node.Text("spec", "scaleTargetRef", "name"));
        var rabbit = scaled.Node.Items("spec", "triggers").Single(t => t.Text("type") == "rabbitmq");
        // The router's inbox and every partition queue, summed.
        Assert.Equal("^user-changed(-p[0-9]+)?$", rabbit.Text("metadata", "queueName"));
        Assert.Equal(("true", "sum", "http"), (rabbit.Text("metadata", "useRegex"), rabbit.Text("metadata", "operation"), rabbit.Text("metadata", "protocol")));
        Assert.Equal("QueueLength", rabbit.Text("metadata", "mode"));
        Assert.NotNull(scaled.Node.At("spec", "fallback", "replicas"));
        Assert.True(int.Parse(scaled.Node.Text("spec", "minReplicaCount")!) >= 2);
    }

    [Fact]
    public void Dev_scales_the_provisioner_with_the_HPA_fallback_and_runs_the_emulator_and_a_broker()
    {
        var resources = Overlays.Render("dev");
        Assert.DoesNotContain(resources, r => r.Kind == "ScaledObject");
        var hpa = resources.Single(r => r.Kind == "HorizontalPodAutoscaler");
        Assert.Equal("provisioner", hpa.Node.Text("spec", "scaleTargetRef", "name"));
        Assert.Contains(resources, r => r.Kind == "Deployment" && r.Name == "rescue-emulator");
        Assert.Contains(resources, r => r.Kind == "Deployment" && r.Name == "rabbitmq");
    }

    [Fact]
    public void Production_config_service_runs_on_PostgreSQL_with_more_than_one_replica()
    {
        var resources = Overlays.Render("production");
        var settings = resources.Single(r => r.Kind == "ConfigMap" && r.Name == "config-settings").Node.At("data").StringMap();
        Assert.Equal("PostgreSql", settings["Database__Provider"]);
        var config = resources.Single(r => r.Kind == "Deployment" && r.Name == "config");
        Assert.Equal("2", config.Node.Text("spec", "replicas"));
        Assert.Equal("config-connection-string", Env(config)["ConnectionStrings__Config"].Text("valueFrom", "secretKeyRef", "key"));
        Assert.Contains(resources, r => r.Kind == "StatefulSet" && r.Name == "postgres");
        Assert.DoesNotContain(resources, r => r.Kind == "PersistentVolumeClaim");
    }

    [Fact]
    public void Dev_config_service_keeps_SQLite_on_a_volume_with_one_replica()
    {
        var resources = Overlays.Render("dev");
        var settings = resources.Single(r => r.Kind == "ConfigMap" && r.Name == "config-settings").Node.At("data").StringMap();
        Assert.Equal("Sqlite", settings["Database__Provider"]);
        Assert.StartsWith("Data Source=/data/", settings["ConnectionStrings__Config"]);
        var config = resources.Single(r => r.Kind == "Deployment" && r.Name == "config");
        Assert.Equal("1", config.Node.Text("spec", "replicas"));
        Assert.Equal("Recreate", config.Node.Text("spec", "strategy", "type"));
        Assert.Contains(config.Containers.Single().Items("volumeMounts"), m => m.Text("mountPath") == "/data");
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Services_get_the_configuration_keys_they_bind(string overlay)
    {
        var resources = Overlays.Render(overlay);
        Dictionary<string, string> Settings(string name) =>
            resources.Single(r => r.Kind == "ConfigMap" && r.Name == $"{name}-settings").Node.At("data").StringMap().ToDictionary();

        foreach (var (service, key) in new[] { ("ad-reader", "config-reader-api-key"), ("provisioner", "config-provisioner-api-key") })
        {
            var settings = Settings(service);
            Assert.Equal(overlay.EndsWith("-tls", StringComparison.Ordinal) ? "https://config:8080" : "http://config:8080", settings["ConfigService__Url"]);
            Assert.False(string.IsNullOrEmpty(settings["RabbitMq__Host"]));
            var env = Env(resources.Single(r => r.Kind == "Deployment" && r.Name == service));
            Assert.Equal(key, env["ConfigService__ApiKey"].Text("valueFrom", "secretKeyRef", "key"));
            Assert.Equal("rabbitmq-password", env["RabbitMq__Password"].Text("valueFrom", "secretKeyRef", "key"));
        }

        var config = Env(resources.Single(r => r.Kind == "Deployment" && r.Name == "config"));
        Assert.Equal("config-secrets-key", config["Secrets__Key"].Text("valueFrom", "secretKeyRef", "key"));
        Assert.Equal("config-reader-api-key", config["Auth__ApiKeys__1__Key"].Text("valueFrom", "secretKeyRef", "key"));
        Assert.Equal("reader", Settings("config")["Auth__ApiKeys__1__Role"]);
        Assert.Equal("provisioner", Settings("config")["Auth__ApiKeys__2__Role"]);
    }

    [Fact]
    public void Tls_overlay_serves_the_config_service_over_https_from_the_mounted_certificate_and_its_clients_trust_its_ca()
    {
        var resources = Overlays.Render("production-tls");
        var config = resources.Single(r => r.Kind == "Deployment" && r.Name == "config");
        var env = Env(config);
        Assert.Equal("https://*:8080", env["Kestrel__Endpoints__Https__Url"].Text("value"));
        Assert.Equal(["/etc/rescue-adsync/tls/tls.crt", "/etc/rescue-adsync/tls/tls.key"],
            new[] { "Kestrel__Certificates__Default__Path", "Kestrel__Certificates__Default__KeyPath" }.Select(k => env[k].Text("value")));
        Assert.Equal(["tls.crt", "tls.key"], SecretFilesAt(config, "/etc/rescue-adsync/tls"));
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            Assert.Equal("HTTPS", config.Containers.Single().Text(probe, "httpGet", "scheme"));
        }

        foreach (var client in new[] { "ad-reader", "provisioner" })
        {
            var settings = resources.Single(r => r.Kind == "ConfigMap" && r.Name == $"{client}-settings").Node.At("data").StringMap();
            Assert.Equal("https://config:8080", settings["ConfigService__Url"]);
            // The system roots stay: the provisioner also calls the public Rescue API.
            var folders = settings["SSL_CERT_DIR"].Split(':');
            Assert.Equal("/etc/ssl/certs", folders[0]);
            var workload = resources.Single(r => r.Kind == "Deployment" && r.Name == client);
            Assert.Equal(["ca.crt"], SecretFilesAt(workload, folders[1]));
        }

        var monitor = resources.Single(r => r.Kind == "ServiceMonitor" && r.Name == "config").Node.Items("spec", "endpoints").Single();
        Assert.Equal("https", monitor.Text("scheme"));
        Assert.Equal("config", monitor.Text("tlsConfig", "serverName"));
        Assert.Equal("config-tls", monitor.Text("tlsConfig", "ca", "secret", "name"));
        Assert.Equal("ca.crt", monitor.Text("tlsConfig", "ca", "secret", "key"));
    }

    /// <summary>The files of Secret config-tls a workload's container sees in <paramref name="folder"/>.</summary>
    private static IEnumerable<string?> SecretFilesAt(Resource workload, string folder)
    {
        var mount = workload.Containers.Single().Items("volumeMounts").Single(m => m.Text("mountPath") == folder);
        Assert.Equal("true", mount.Text("readOnly"));
        var volume = workload.PodTemplate.Items("spec", "volumes").Single(v => v.Text("name") == mount.Text("name"));
        Assert.Equal("config-tls", volume.Text("secret", "secretName"));
        return volume.Items("secret", "items").Select(i => i.Text("path"));
    }

    private static Dictionary<string, YamlNode> Env(Resource workload) =>
        workload.Containers.Single().Items("env").ToDictionary(e => e.Text("name")!, e => e);
}
