using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using RescueAdSync.Config.Data;

namespace RescueAdSync.Config.Secrets;

public static class SecretsExtensions
{
    public static IHostApplicationBuilder AddSecretProtection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecretsOptions>()
            .Bind(builder.Configuration.GetSection(SecretsOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SecretsOptions>, SecretsOptionsValidator>();
        builder.Services.AddSingleton(services => CreateKeyRing(
            services.GetRequiredService<IOptions<SecretsOptions>>().Value,
            services.GetRequiredService<IOptions<DatabaseOptions>>().Value,
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecretProtector))));
        builder.Services.AddSingleton<SecretProtector>();
        return builder;
    }

    private static SecretKeyRing CreateKeyRing(SecretsOptions options, DatabaseOptions database, ILogger logger)
    {
        var previous = options.PreviousKeys.Select(k => SecretKeyRing.TryParse(k)!);
        if (!string.IsNullOrWhiteSpace(options.Key))
        {
            return new SecretKeyRing(SecretKeyRing.TryParse(options.Key)!, previous);
        }

        if (!string.IsNullOrWhiteSpace(options.KeyFile))
        {
            return new SecretKeyRing(SecretKeyRing.TryParse(File.ReadAllText(options.KeyFile))!, previous);
        }

        // Only reachable in Development (the validator refuses elsewhere): a throw-away key beside the database,
        // so the database and the key that opens it are deleted together.
        var path = database.DevelopmentKeyFilePath();
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretKeyRing.KeySize)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        logger.DevelopmentSecretKey(path);
        return new SecretKeyRing(SecretKeyRing.TryParse(File.ReadAllText(path))!, previous);
    }
}
