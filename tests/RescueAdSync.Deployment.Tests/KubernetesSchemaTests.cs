using RescueAdSync.Deployment.Tests.Infrastructure;

namespace RescueAdSync.Deployment.Tests;

/// <summary>
/// Every rendered manifest validates against the Kubernetes (and KEDA / Prometheus Operator) schemas, strictly: a field
/// the schema does not declare fails, as it would with `kubectl apply --validate=strict`.
/// </summary>
public sealed class KubernetesSchemaTests
{
    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Overlay_renders_and_every_document_validates_against_its_schema(string overlay)
    {
        var file = Overlays.RenderToFile(overlay);
        try
        {
            var result = SchemaValidator.Validate(file);
            Assert.True(result.ExitCode == 0, $"schema validation of k8s/overlays/{overlay} failed:\n{result.Output}");
            Assert.Contains("\"errors\": []", result.StandardOutput);
            Assert.Contains($"\"documents\": {Overlays.Render(overlay).Count}", result.StandardOutput);
            // Nothing is free-form in the schemas we use; if something becomes so, it must be looked at, not skipped.
            Assert.True(result.StandardOutput.Contains("\"unchecked\": []"), $"objects the schemas cannot check:\n{result.StandardOutput}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Secret_template_validates_and_holds_no_values()
    {
        var result = SchemaValidator.Validate(Repository.PathOf("k8s/secret.template.yaml"));
        Assert.True(result.ExitCode == 0, result.Output);

        var secret = Overlays.SecretTemplate();
        Assert.Equal("Secret", secret.Kind);
        Assert.All(secret.Node.At("stringData").StringMap(), kv => Assert.True(kv.Value == "", $"{kv.Key} has a value"));
        Assert.Null(secret.Node.At("data"));
    }

    [Fact]
    public void Validator_rejects_a_manifest_that_breaks_the_schema()
    {
        var file = Path.Combine(Path.GetTempPath(), $"rescue-adsync-broken-{Environment.ProcessId}.yaml");
        File.WriteAllText(file, """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: broken }
            spec:
              template:
                spec:
                  containers:
                    - name: x
                      ports: [{ containerPort: "eighty" }]
            ---
            apiVersion: keda.sh/v1alpha1
            kind: ScaledObject
            metadata: { name: broken }
            spec:
              triggers: []
            """);
        try
        {
            var result = SchemaValidator.Validate(file);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("Deployment/broken", result.StandardOutput);
            Assert.Contains("ScaledObject/broken: data/spec must have required property scaleTargetRef", result.StandardOutput);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    // The pull policy of every container: a misspelled key is dropped by the API server without strict validation.
    [InlineData("production", "base/config/deployment.yaml", "imagePullPolicy:", "imagePullpolicy:",
        "Deployment/config: unknown field spec.template.spec.containers[0].imagePullpolicy (did you mean imagePullPolicy?)")]
    // The production patch that spreads config and provisioner replicas over nodes.
    [InlineData("production", "overlays/production/spread.yaml", "topologySpreadConstraints:", "topologySpreadConstraint:",
        "Deployment/provisioner: unknown field spec.template.spec.topologySpreadConstraint (did you mean topologySpreadConstraints?)")]
    [InlineData("dev", "base/ad-reader/deployment.yaml", "livenessProbe:", "livenesProbe:",
        "Deployment/ad-reader: unknown field spec.template.spec.containers[0].livenesProbe (did you mean livenessProbe?)")]
    // Custom resources are checked against their own models the same way.
    [InlineData("production", "components/keda/scaledobject.yaml", "pollingInterval:", "pollingIntervall:",
        "ScaledObject/provisioner: unknown field spec.pollingIntervall (did you mean pollingInterval?)")]
    [InlineData("dev", "base/monitoring/servicemonitors.yaml", "endpoints:", "endpoint:",
        "ServiceMonitor/config: unknown field spec.endpoint (did you mean endpoints?)")]
    [InlineData("dev", "base/monitoring/prometheusrule.yaml", "expr:", "expression:",
        "PrometheusRule/rescue-adsync: unknown field spec.groups[0].rules[0].expression")]
    public void A_misspelled_field_in_a_manifest_fails_validation_naming_the_resource_and_the_field(
        string overlay, string file, string field, string misspelled, string expected)
    {
        var (rendered, folder) = Overlays.RenderChangedCopy(overlay, k8s =>
        {
            var path = Path.Combine(k8s, file);
            var text = File.ReadAllText(path);
            var at = text.IndexOf(field, StringComparison.Ordinal);
            Assert.True(at >= 0, $"{file} has no {field}");
            File.WriteAllText(path, string.Concat(text.AsSpan(0, at), misspelled, text.AsSpan(at + field.Length)));
        });
        try
        {
            var result = SchemaValidator.Validate(rendered);
            Assert.True(result.ExitCode == 1, $"the validator accepted {misspelled} in {file}:\n{result.Output}");
            Assert.Contains(expected, result.StandardOutput);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Custom_resources_carry_their_required_fields(string overlay)
    {
        var resources = Overlays.Render(overlay);
        foreach (var so in resources.Where(r => r.Kind == "ScaledObject"))
        {
            Assert.Equal("keda.sh/v1alpha1", so.ApiVersion);
            Assert.False(string.IsNullOrEmpty(so.Node.Text("spec", "scaleTargetRef", "name")), $"{so}: spec.scaleTargetRef.name");
            var triggers = so.Node.Items("spec", "triggers").ToList();
            Assert.NotEmpty(triggers);
            Assert.All(triggers, t => Assert.False(string.IsNullOrEmpty(t.Text("type")), $"{so}: trigger without type"));
            Assert.All(triggers, t => Assert.NotNull(t.At("metadata")));
            foreach (var rabbit in triggers.Where(t => t.Text("type") == "rabbitmq"))
            {
                Assert.False(string.IsNullOrEmpty(rabbit.Text("metadata", "queueName")), $"{so}: rabbitmq trigger without queueName");
                Assert.True(rabbit.Text("metadata", "host") is not null || rabbit.Text("authenticationRef", "name") is not null,
                    $"{so}: rabbitmq trigger needs a host or an authenticationRef");
            }
        }

        foreach (var ta in resources.Where(r => r.Kind == "TriggerAuthentication"))
        {
            Assert.All(ta.Node.Items("spec", "secretTargetRef"), s =>
            {
                Assert.False(string.IsNullOrEmpty(s.Text("parameter")));
                Assert.False(string.IsNullOrEmpty(s.Text("name")));
                Assert.False(string.IsNullOrEmpty(s.Text("key")));
            });
        }

        foreach (var sm in resources.Where(r => r.Kind == "ServiceMonitor"))
        {
            Assert.Equal("monitoring.coreos.com/v1", sm.ApiVersion);
            Assert.NotNull(sm.Node.At("spec", "selector"));
            var endpoints = sm.Node.Items("spec", "endpoints").ToList();
            Assert.NotEmpty(endpoints);
            Assert.All(endpoints, e => Assert.True(e.Text("port") is not null || e.Text("targetPort") is not null, $"{sm}: endpoint without port"));
        }

        var rules = resources.Where(r => r.Kind == "PrometheusRule").ToList();
        Assert.Single(rules);
        foreach (var group in rules[0].Node.Items("spec", "groups"))
        {
            Assert.False(string.IsNullOrEmpty(group.Text("name")));
            var groupRules = group.Items("rules").ToList();
            Assert.NotEmpty(groupRules);
            Assert.All(groupRules, r =>
            {
                Assert.True(r.Text("alert") is not null || r.Text("record") is not null);
                Assert.False(string.IsNullOrWhiteSpace(r.Text("expr")));
            });
        }
    }

    [Fact]
    public void PrometheusRule_holds_exactly_the_rules_of_deploy_prometheus_alerts_yml()
    {
        var rule = Yaml.LoadAll(Repository.Read("k8s/base/monitoring/prometheusrule.yaml")).Single();
        var alerts = Yaml.Load(Repository.Read("deploy/prometheus/alerts.yml"));
        Assert.True(
            alerts.Canonical() == rule.At("spec").Canonical(),
            "k8s/base/monitoring/prometheusrule.yaml is out of date: run python3 k8s/base/monitoring/generate-prometheusrule.py");
    }
}
