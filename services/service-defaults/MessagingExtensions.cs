using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RescueAdSync.Contracts;

namespace RescueAdSync.ServiceDefaults;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ with kebab-case endpoint names; <paramref name="configure"/> adds the
    /// service's consumers. The bus health check (tag "ready") joins /health/ready.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configure = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        builder.Services.AddOptions<RabbitMqOptions>()
            .Bind(builder.Configuration.GetSection(RabbitMqOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            configure?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, h =>
                {
                    h.Username(options.Username);
                    h.Password(options.Password);
                });
                cfg.UseUserIdRoutingKey();
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// Every UserChanged sent or published carries its directory user id as routing key. The provisioner binds the
    /// UserChanged exchange to a consistent-hash exchange, which routes on that key: all of a user's versions land in
    /// one partition queue, in order (docs/operations.md). Any bus that publishes UserChanged must use this.
    /// </summary>
    public static void UseUserIdRoutingKey(this IRabbitMqBusFactoryConfigurator cfg) =>
        cfg.Send<UserChanged>(topology => topology.UseRoutingKeyFormatter(context => context.Message.DirectoryUserId ?? ""));
}
