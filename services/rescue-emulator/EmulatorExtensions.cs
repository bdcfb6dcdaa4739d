using RescueAdSync.RescueEmulator.Apis;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator;

public static class EmulatorExtensions
{
    /// <summary>The in-memory organization, fault injector, call log and optional seed file.</summary>
    public static IHostApplicationBuilder AddRescueEmulator(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmulatorOptions>()
            .Bind(builder.Configuration.GetSection(EmulatorOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.SeedFile) || File.Exists(o.SeedFile), "Emulator:SeedFile does not exist.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EmulatorState>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<SurpriseInjector>();
        builder.Services.AddSingleton<LostAnswers>();
        builder.Services.AddSingleton<CallLog>();
        builder.Services.AddHostedService<SeedLoader>();
        return builder;
    }

    /// <summary>The Rescue API under /API and the emulator's own JSON admin API under /admin.</summary>
    public static WebApplication MapRescueEmulator(this WebApplication app)
    {
        app.MapRescueApi();
        var admin = app.MapGroup("/admin").AddEndpointFilter<AdminErrorFilter>();
        admin.MapOrganizationApi()
            .MapGroupsApi()
            .MapLicencesApi()
            .MapTokenApi()
            .MapTechniciansApi()
            .MapCallsApi()
            .MapFaultsApi()
            .MapSurprisesApi();
        return app;
    }
}
