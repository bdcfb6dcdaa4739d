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
                var nodes = options.Endpoints();
                cfg.Host(nodes[0].Host, (ushort)nodes[0].Port, options.VirtualHost, h =>
                {
                    h.Username(options.Username);
                    h.Password(options.Password);
                    if (options.IsCluster)
                    {
                        // Connects to a node that answers and, when that node goes away, reconnects to another.
                        h.UseCluster(cluster =>
                        {
                            foreach (var node in nodes)
                            {
                                cluster.Node(node.ToString());
                            }
                        });
                    }
                });
                cfg.UseUserIdRoutingKey();
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// A plain RabbitMQ.Client connection to the broker of <paramref name="options"/> (any node of a cluster that answers),
    /// for what MassTransit does not do itself: declaring topology, reading queue depths.
    /// </summary>
    public static Task<RabbitMQ.Client.IConnection> CreateConnectionAsync(this RabbitMqOptions options, string clientName,
        CancellationToken cancellationToken)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory
        {
            VirtualHost = options.VirtualHost,
            UserName = options.Username,
            Password = options.Password,
        };
        var endpoints = options.Endpoints().Select(node => new RabbitMQ.Client.AmqpTcpEndpoint(node.Host, node.Port)).ToList();
        return factory.CreateConnectionAsync(endpoints, clientName, cancellationToken);
    }

    /// <summary>
    /// Publishes <paramref name="message"/> as mandatory: it must reach a queue. While nothing is bound to its exchange yet
    /// (no provisioner has declared its topology on this broker), the broker returns it and the publish fails, instead
    /// of confirming a message it dropped; the caller keeps the change and publishes it again later.
    /// </summary>
    public static Task PublishToQueueAsync<T>(this IPublishEndpoint publisher, T message, CancellationToken cancellationToken)
        where T : class =>
        publisher.Publish(message, context =>
        {
            if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            {
                rabbit.Mandatory = true;
            }
        }, cancellationToken);

    /// <summary>
    /// Every UserChanged sent or published carries its directory user id as routing key. The provisioner binds the
    /// UserChanged exchange to a consistent-hash exchange, which routes on that key: all of a user's versions land in
    /// one partition queue, in order (docs/operations.md). Any bus that publishes UserChanged must use this.
    /// </summary>
    public static void UseUserIdRoutingKey(this IRabbitMqBusFactoryConfigurator cfg) =>
        cfg.Send<UserChanged>(topology => topology.UseRoutingKeyFormatter(context => context.Message.DirectoryUserId ?? ""));
}
