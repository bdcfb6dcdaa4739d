using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.ServiceDefaults;

/// <summary>RabbitMq:Nodes, the nodes of a broker cluster, and Host/Port as the one-broker case.</summary>
public sealed class RabbitMqNodesTests
{
    [Fact]
    public void Without_Nodes_the_one_endpoint_is_Host_and_Port()
    {
        var options = new RabbitMqOptions { Host = "rabbitmq", Port = 5673 };

        Assert.False(options.IsCluster);
        Assert.Equal([new RabbitMqNode("rabbitmq", 5673)], options.Endpoints());
    }

    [Fact]
    public void Nodes_replace_Host_and_Port_in_the_order_given_with_5672_when_the_port_is_left_out()
    {
        var options = new RabbitMqOptions { Host = "ignored", Nodes = " rabbit-1:5672, rabbit-2:5673 ,10.0.0.3" };

        Assert.True(options.IsCluster);
        Assert.Equal([new RabbitMqNode("rabbit-1", 5672), new RabbitMqNode("rabbit-2", 5673), new RabbitMqNode("10.0.0.3", 5672)],
            options.Endpoints());
    }

    [Theory]
    [InlineData("rabbit-1:5672,,rabbit-3:5672", "entry 2 is empty")]
    [InlineData("rabbit-1:5672,", "entry 2 is empty")]
    [InlineData("amqp://rabbit-1:5672", "no amqp:// scheme")]
    [InlineData("rabbit-1:56x2", "\"rabbit-1:56x2\" has no valid port")]
    [InlineData("rabbit-1:70000", "\"rabbit-1:70000\" has no valid port")]
    [InlineData("rabbit-1:", "\"rabbit-1:\" has no valid port")]
    [InlineData(":5672", "\":5672\" has no valid host name")]
    [InlineData("rabbit 1:5672", "has no valid host name")]
    [InlineData("rabbit-1:5672,rabbit-1:5672", "lists a node twice")]
    public void A_malformed_entry_is_refused_with_an_error_that_names_it(string nodes, string expected)
    {
        var error = Assert.Throws<FormatException>(() => RabbitMqOptions.ParseNodes(nodes));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("RabbitMq:Nodes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_service_with_a_malformed_Nodes_entry_fails_validation_naming_the_setting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["RabbitMq:Nodes"] = "rabbit-1:5672,rabbit-2:notaport";
        builder.AddMessaging();
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<RabbitMqOptions>>().Value);

        Assert.Contains("RabbitMq:Nodes entry \"rabbit-2:notaport\" has no valid port", error.Message, StringComparison.Ordinal);
    }
}
