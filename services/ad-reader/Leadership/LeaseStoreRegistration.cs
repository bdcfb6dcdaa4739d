using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RescueAdSync.AdReader.Leadership;

/// <summary>Chooses where the leader lease lives (Reader:LeaderElection:Mode) and wires that store.</summary>
public static class LeaseStoreRegistration
{
    public static void AddLeaseStore(this IHostApplicationBuilder builder, IConfigurationSection section)
    {
        var mode = section.GetValue("Mode", LeaderElectionMode.Auto);
        var kubernetes = section.GetSection("Kubernetes").Get<KubernetesLeaseOptions>() ?? new KubernetesLeaseOptions();
        if (mode == LeaderElectionMode.ConfigService || (mode == LeaderElectionMode.Auto && !KubernetesApiSettings.InCluster(kubernetes)))
        {
            builder.Services.TryAddSingleton<ILeaseStore, ConfigServiceLeaseStore>();
            return;
        }
        // Resolved now: a replica that cannot reach its Lease must fail at start, not run unelected.
        var api = KubernetesApiSettings.Resolve(kubernetes);
        builder.Services.AddSingleton(api);
        builder.Services.AddHttpClient(nameof(KubernetesLeaseStore), client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => Handler(kubernetes.CaPath));
        builder.Services.TryAddSingleton<ILeaseStore>(services => new KubernetesLeaseStore(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(KubernetesLeaseStore)), api,
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<KubernetesLeaseStore>>()));
    }

    /// <summary>Trusts the cluster CA (the mounted ca.crt) for the API server, in addition to nothing else.</summary>
    private static SocketsHttpHandler Handler(string caPath)
    {
        var handler = new SocketsHttpHandler();
        if (!File.Exists(caPath))
        {
            return handler;
        }
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caPath);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0
                || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return handler;
    }
}
