namespace RescueAdSync.AdReader.Leadership;

/// <summary>The resolved Kubernetes API endpoint for the Lease: address, namespace and how to get the bearer token.</summary>
/// <param name="BaseAddress">The API server, ending in '/'.</param>
/// <param name="Namespace">Namespace of the Lease.</param>
/// <param name="TokenPath">Bearer token file; none when it does not exist (e.g. behind kubectl proxy).</param>
public sealed record KubernetesApiSettings(Uri BaseAddress, string Namespace, string TokenPath)
{
    public string? ReadToken() => File.Exists(TokenPath) ? File.ReadAllText(TokenPath).Trim() : null;

    /// <summary>True inside a pod: the API server's address is in the environment and a service account token is mounted.</summary>
    public static bool InCluster(KubernetesLeaseOptions options) =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")) && File.Exists(options.TokenPath);

    /// <summary>Resolves the settings, or throws with what is missing, so that a misconfigured replica never starts.</summary>
    public static KubernetesApiSettings Resolve(KubernetesLeaseOptions options)
    {
        var url = options.ApiUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
            var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT") is { Length: > 0 } p ? p : "443";
            if (string.IsNullOrEmpty(host))
            {
                throw new InvalidOperationException(
                    "Reader:LeaderElection:Mode is Kubernetes, but KUBERNETES_SERVICE_HOST is not set and Reader:LeaderElection:Kubernetes:ApiUrl is empty.");
            }
            url = $"https://{(host.Contains(':') ? $"[{host}]" : host)}:{port}/";
        }
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new InvalidOperationException(
                $"Reader:LeaderElection:Kubernetes:ApiUrl '{url}' must be an https:// URL (http:// only on loopback, e.g. kubectl proxy).");
        }
        var ns = string.IsNullOrWhiteSpace(options.Namespace) ? Environment.GetEnvironmentVariable("POD_NAMESPACE") : options.Namespace;
        var namespaceFile = Path.Combine(KubernetesLeaseOptions.ServiceAccountDirectory, "namespace");
        if (string.IsNullOrWhiteSpace(ns) && File.Exists(namespaceFile))
        {
            ns = File.ReadAllText(namespaceFile).Trim();
        }
        if (string.IsNullOrWhiteSpace(ns))
        {
            throw new InvalidOperationException(
                "Reader:LeaderElection:Kubernetes:Namespace is empty and no service account namespace file is mounted.");
        }
        return new KubernetesApiSettings(uri, ns, options.TokenPath);
    }
}
