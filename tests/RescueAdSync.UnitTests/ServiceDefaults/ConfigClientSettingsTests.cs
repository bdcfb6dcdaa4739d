using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refit;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.ServiceDefaults;

/// <summary>
/// The config-service clients are typed clients: a new instance per scope, i.e. per provisioner message. Each must use
/// the one shared RefitSettings, whose JSON serializer keeps its type metadata; a client with settings of its own
/// rebuilt that metadata by reflection on every request (docs/performance.md).
/// </summary>
public sealed class ConfigClientSettingsTests
{
    [Fact]
    public void Clients_resolved_in_different_scopes_share_one_RefitSettings()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConfigService:Url"] = "http://127.0.0.1:1";
        builder.Configuration["ConfigService:ApiKey"] = "unit-test-key";
        builder.AddConfigClient().AddOperationsClient().AddPreviewsClient();
        using var host = builder.Build();
        using var first = host.Services.CreateScope();
        using var second = host.Services.CreateScope();

        var settings = new[]
        {
            SettingsOf(first.ServiceProvider.GetRequiredService<IConfigApi>()),
            SettingsOf(second.ServiceProvider.GetRequiredService<IConfigApi>()),
            SettingsOf(second.ServiceProvider.GetRequiredService<IOperationsApi>()),
            SettingsOf(second.ServiceProvider.GetRequiredService<IPreviewsApi>()),
        };

        Assert.All(settings, s => Assert.Same(settings[0], s));
    }

    /// <summary>The RefitSettings a generated client holds (a field of the generated class or of its request builder).</summary>
    private static RefitSettings SettingsOf(object client)
    {
        foreach (var value in FieldValues(client))
        {
            if (value is RefitSettings settings)
            {
                return settings;
            }

            if (value is not null && value.GetType().Name.Contains("RequestBuilder", StringComparison.Ordinal)
                && FieldValues(value).OfType<RefitSettings>().FirstOrDefault() is { } held)
            {
                return held;
            }
        }
        throw new InvalidOperationException($"{client.GetType().Name} holds no RefitSettings.");
    }

    private static IEnumerable<object?> FieldValues(object instance)
    {
        for (var type = instance.GetType(); type is not null; type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                yield return field.GetValue(instance);
            }
        }
    }
}
