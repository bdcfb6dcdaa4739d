using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader.Leadership;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.ServiceDefaults.Ldap;

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
        // Settings that moved to the config service (per connection, per mapping) refuse to start instead of being ignored.
        builder.Services.AddSingleton<IValidateOptions<ReaderOptions>>(new MovedReaderSettings(builder.Configuration));
        builder.Services.AddSingleton<ReaderAttributeSet>();
        builder.Services.AddSingleton<CycleTrigger>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DomainControllerLocator>();
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
        builder.AddOperationsClient();
        builder.Services.AddSingleton<MassChangeGuard>();
        builder.Services.AddSingleton<FullResync>();
        builder.Services.AddSingleton<OnDemandProvisioning>();
        builder.AddPreviewsClient();
        builder.Services.AddSingleton<PreviewReader>();
        builder.Services.AddSingleton<MappingSynchronizer>();
        builder.Services.AddSingleton<RefusedPublishes>();
        builder.Services.AddPublishObserver<RefusedPublishes.Observer>();
        AddLeaderElection(builder);
        builder.Services.AddHostedService<ReaderWorker>();
        builder.Services.AddHostedService<ChangeNotificationListener>();

        builder.Services.AddHealthChecks()
            .AddCheck<DirectoryBindHealthCheck>("directory-bind", tags: [ServiceDefaultsExtensions.ReadyTag])
            .AddCheck<LeaderElectionHealthCheck>("leader-election", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// The reader's consumers, for <c>AddMessaging(x =&gt; x.AddReaderConsumers())</c>: ConfigChanged on a temporary
    /// queue of this process's own, so every replica wakes up.
    /// </summary>
    public static void AddReaderConsumers(this MassTransit.IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<ConfigChangedConsumer>().Endpoint(endpoint =>
        {
            endpoint.Temporary = true;
            endpoint.InstanceId = Guid.NewGuid().ToString("N")[..12];
        });

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
