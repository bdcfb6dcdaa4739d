namespace RescueAdSync.AdReader.Leadership;

/// <summary>
/// Section Reader:LeaderElection:Kubernetes: where the coordination.k8s.io Lease lives. Every value defaults to what a pod
/// is given (KUBERNETES_SERVICE_HOST/PORT and the mounted service account), so inside a cluster nothing needs setting.
/// </summary>
public sealed class KubernetesLeaseOptions
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The API server; default https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT. http:// only on loopback (kubectl proxy).</summary>
    public string? ApiUrl { get; set; }

    /// <summary>Namespace of the Lease; default the pod's own (POD_NAMESPACE, else the service account's namespace file).</summary>
    public string? Namespace { get; set; }

    /// <summary>Bearer token file, read at every request (the kubelet rotates it).</summary>
    public string TokenPath { get; set; } = $"{ServiceAccountDirectory}/token";

    /// <summary>PEM CA bundle that signed the API server's certificate.</summary>
    public string CaPath { get; set; } = $"{ServiceAccountDirectory}/ca.crt";
}
