using RescueAdSync.Deployment.Tests.Infrastructure;

namespace RescueAdSync.Deployment.Tests;

/// <summary>Every pod runs as non-root on a read-only root filesystem without capabilities, with probes and resources.</summary>
public sealed class KubernetesSecurityTests
{
    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Pods_run_as_non_root_with_a_read_only_root_filesystem_and_no_capabilities(string overlay)
    {
        foreach (var workload in Overlays.Render(overlay).Where(r => r.IsWorkload))
        {
            var pod = workload.PodTemplate.At("spec");
            Assert.Equal("true", pod.Text("securityContext", "runAsNonRoot"));
            Assert.NotEqual("0", pod.Text("securityContext", "runAsUser"));
            Assert.Equal("RuntimeDefault", pod.Text("securityContext", "seccompProfile", "type"));
            var writable = pod.Items("volumes").Where(v => v.At("emptyDir") is not null).Select(v => v.Text("name")).ToHashSet();
            foreach (var container in workload.Containers)
            {
                var context = container.At("securityContext");
                Assert.Equal("false", context.Text("allowPrivilegeEscalation"));
                Assert.Equal("true", context.Text("readOnlyRootFilesystem"));
                Assert.Contains("ALL", context.Items("capabilities", "drop").Select(d => d.Text()));
                Assert.True(container.Items("volumeMounts").Any(m => m.Text("mountPath") == "/tmp" && writable.Contains(m.Text("name"))),
                    $"{workload}: /tmp must be an emptyDir (the root filesystem is read-only)");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Containers_have_requests_limits_and_probes(string overlay)
    {
        foreach (var workload in Overlays.Render(overlay).Where(r => r.IsWorkload))
        {
            foreach (var container in workload.Containers)
            {
                foreach (var kind in new[] { "requests", "limits" })
                {
                    Assert.NotNull(container.Text("resources", kind, "cpu"));
                    Assert.NotNull(container.Text("resources", kind, "memory"));
                }

                Assert.NotNull(container.At("livenessProbe"));
                Assert.NotNull(container.At("readinessProbe"));
                if (container.Text("image")!.StartsWith("rescue-adsync/", StringComparison.Ordinal))
                {
                    // Liveness is the process only ("restart me"); dependencies belong to readiness.
                    Assert.Equal("/health/live", container.Text("livenessProbe", "httpGet", "path"));
                    Assert.Equal("/health/live", container.Text("startupProbe", "httpGet", "path"));
                    Assert.Equal("/health/ready", container.Text("readinessProbe", "httpGet", "path"));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Only_the_ad_reader_gets_a_token_for_the_Kubernetes_API(string overlay)
    {
        var resources = Overlays.Render(overlay);
        foreach (var workload in resources.Where(r => r.IsWorkload))
        {
            var expected = workload.Name == "ad-reader" ? "true" : "false";
            Assert.Equal(expected, workload.PodTemplate.Text("spec", "automountServiceAccountToken"));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.Names), MemberType = typeof(Overlays))]
    public void Namespace_denies_all_traffic_but_the_allowed_paths(string overlay)
    {
        var resources = Overlays.Render(overlay);
        var deny = resources.Single(r => r.Kind == "NetworkPolicy" && r.Name == "default-deny");
        Assert.Empty(deny.Node.At("spec", "podSelector").Keys());
        Assert.Equal(["Ingress", "Egress"], deny.Node.Items("spec", "policyTypes").Select(t => t.Text()));
        Assert.DoesNotContain(deny.Node.Keys(), k => k is "ingress" or "egress");
        Assert.Contains(resources, r => r.Kind == "NetworkPolicy" && r.Name == "allow-dns");
        var ns = resources.Single(r => r.Kind == "Namespace");
        Assert.Equal("restricted", ns.Node.Text("metadata", "labels", "pod-security.kubernetes.io/enforce"));
        Assert.All(resources.Where(r => r.Kind != "Namespace"), r => Assert.Equal(ns.Name, r.Node.Text("metadata", "namespace")));
    }
}
