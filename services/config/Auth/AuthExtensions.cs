using Microsoft.AspNetCore.Authentication;

namespace RescueAdSync.Config.Auth;

public static class AuthExtensions
{
    /// <summary>Bearer API keys with roles; options validated on start so a bad key list stops the service at once.</summary>
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeyOptions>()
            .Bind(builder.Configuration.GetSection(ApiKeyOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<FailedAuthenticationLimiter>();
        // AddAuthenticationCore, not AddAuthentication: the latter also brings ASP.NET DataProtection, which generates a key
        // ring at every start and stores it unencrypted in the user profile (with a warning), though nothing here uses it:
        // API keys authenticate every call (no cookie, no antiforgery token) and stored secrets are encrypted by SecretProtector.
        builder.Services.AddAuthenticationCore(options => options.DefaultScheme = ApiKeyAuthenticationHandler.SchemeName);
        builder.Services.AddWebEncoders();
        new AuthenticationBuilder(builder.Services)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        return builder;
    }
}
