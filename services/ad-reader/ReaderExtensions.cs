using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader.Leadership;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader;

public static class ReaderExtensions
{
    /// <summary>
    /// The reader itself: options, LDAP access, state, the poll loop and its readiness check. Expects
    /// <c>AddConfigClient()</c> and <c>AddMessaging()</c>; a state store registered before this call wins over the one
    /// Reader:StateStore selects (the config service by default).
    /// </summary>
    public static IHostApplicationBuilder AddReader(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReaderOptions>()
            .Bind(builder.Configuration.GetSection(ReaderOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ReaderOptions>, ReaderOptionsValidator>();

        if (builder.Configuration.GetValue<bool>($"{ReaderOptions.Section}:Tls:AllowInsecure"))
        {
            // The connector turns the certificate check off per connection (LibLdapTls); this only says so at every start.
            builder.Services.AddHostedService<InsecureTlsWarning>();
        }
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IDirectoryConnector, LdapDirectoryConnector>();
        if (builder.Configuration.GetValue<ReaderStateStoreKind>($"{ReaderOptions.Section}:StateStore") == ReaderStateStoreKind.Memory)
        {
            builder.Services.TryAddSingleton<IReaderStateStore, InMemoryReaderStateStore>();
        }
        else
        {
            builder.Services.TryAddSingleton<IReaderStateStore, ConfigServiceReaderStateStore>();
        }
        builder.Services.AddSingleton<ReaderConfigurationSource>();
        builder.Services.AddSingleton<SyncLogReporter>();
        builder.Services.AddSingleton<ReaderHealth>();
        builder.Services.AddSingleton<MappingSynchronizer>();
        AddLeaderElection(builder);
        builder.Services.AddHostedService<ReaderWorker>();
        builder.Services.AddSingleton<CycleTrigger>();
        builder.Services.AddHostedService<ChangeNotificationListener>();

        builder.Services.AddHealthChecks()
            .AddCheck<DirectoryBindHealthCheck>("directory-bind", tags: [ServiceDefaultsExtensions.ReadyTag])
            .AddCheck<LeaderElectionHealthCheck>("leader-election", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    private static void AddLeaderElection(IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection($"{ReaderOptions.Section}:LeaderElection");
        if (section.GetValue("Enabled", true))
        {
            builder.AddLeaseStore(section);
        }
        else
        {
            builder.Services.TryAddSingleton<ILeaseStore, UncontestedLeaseStore>();
        }
        builder.Services.AddSingleton<LeaderElector>();
        // Before the poll loop: hosted services stop in reverse order, so the lease outlives the last cycle.
        builder.Services.AddHostedService<LeaderElectionService>();
    }
}
