using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RescueAdSync.Config.Apis;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Directories;
using RescueAdSync.Config.Monitoring;
using RescueAdSync.Config.ReaderStates;
using RescueAdSync.Config.Rescue;
using RescueAdSync.Config.Secrets;
using RescueAdSync.Config.SyncLog;
using RescueAdSync.Config.Validation;

namespace RescueAdSync.Config;

public static class ConfigServiceExtensions
{
    /// <summary>Everything the config service needs: storage, secret encryption, API-key auth, ProblemDetails.</summary>
    public static IHostApplicationBuilder AddConfigService(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        // A field the API does not know is a mistake (a typo, an older or newer client): refuse it
        // instead of storing the rest and silently dropping what the operator meant.
        // A field left out is refused too, unless the contract gives it a default, and an enum is its name, never a number
        // (123 is no level, no state, no action: it would be stored and shown as a value nobody chose).
        builder.Services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));
        // Unreadable requests throw, so that one handler answers them with the field and the problem named.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<UnreadableRequestHandler>();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecuritySchemeTransformer>().AddOperationTransformer<RolesOperationTransformer>());
        builder.AddConfigDatabase();
        builder.AddSecretProtection();
        builder.AddApiKeyAuthentication();

        builder.Services.AddOptions<SyncLogOptions>()
            .Bind(builder.Configuration.GetSection(SyncLogOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ReaderStateOptions>()
            .Bind(builder.Configuration.GetSection(ReaderStateOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHttpClient<RescueAccountVerifier>();
        builder.Services.AddSingleton<TechnicianGroupNames>();
        builder.Services.AddSingleton<DirectoryPreflight>();
        builder.AddConfigChanges();
        builder.Services.AddTransient<IStartupFilter, Web.SecurityHeadersStartupFilter>();
        builder.Services.AddHostedService<SyncLogRetention>();
        builder.Services.AddHostedService<TechnicianMetrics>();
        return builder;
    }

    /// <summary>How the API reads and writes JSON bodies (on top of the web defaults); the fuzzing harness reads bodies the same way.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectRequiredConstructorParameters = true;
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
    }

    /// <summary>Errors become ProblemDetails, never stack traces (they could hold a secret from a request).</summary>
    public static WebApplication UseConfigServiceErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Every /api endpoint requires an API key; each resource narrows it to its roles.</summary>
    public static WebApplication MapConfigApi(this WebApplication app)
    {
        // The document describes the API, not its data: anonymous like /metrics, so tools can read it without a key.
        app.MapOpenApi();
        var api = app.MapGroup("/api").RequireAuthorization().WithBodyLimit(BodyLimits.Default);
        api.MapRescueAccountApi();
        api.MapDirectoryApi();
        api.MapMappingsApi();
        api.MapLinksApi();
        api.MapSyncLogApi();
        api.MapTechnicianGroupsApi();
        api.MapHistoryApi();
        api.MapReaderStateApi();
        api.MapReaderStateSummaryApi();
        api.MapLeasesApi();
        api.MapHeldPlansApi();
        api.MapResyncApi();
        api.MapProvisionRequestsApi();
        api.MapPreviewsApi();
        return app;
    }
}
