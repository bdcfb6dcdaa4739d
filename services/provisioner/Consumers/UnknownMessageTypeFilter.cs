using System.Text.Json;
using MassTransit;
using MassTransit.Middleware;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Consumers;

/// <summary>
/// The dead-letter pipe of the provisioner's endpoints: a message no consumer takes (a type other than
/// <c>UserChanged</c>, published by a foreign or newer client) is a fault, not a skip. It goes to the endpoint's error
/// queue with the reason, naming its type, in the <c>MT-Fault-*</c> headers, where an operator already looks for
/// refused messages, instead of MassTransit's default <c>_skipped</c> queue.
/// </summary>
public sealed class UnknownMessageTypeFilter : IFilter<ReceiveContext>
{
    private const int MaxTypesLength = 300;

    /// <summary>
    /// Replaces the endpoint's dead-letter (skipped) behaviour with this filter, a sync-log entry (where the MAH looks)
    /// and the error transport.
    /// </summary>
    public static void Configure(IReceiveEndpointConfigurator endpoint, SyncLogWriter syncLog) =>
        endpoint.ConfigureDeadLetter(d =>
        {
            d.UseRescue(Pipe.New<ExceptionReceiveContext>(e =>
            {
                e.UseExecuteAsync(context => syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "receive",
                    $"A message on {context.InputAddress.AbsolutePath.Trim('/')} was refused: {context.Exception.Message} " +
                    "It was moved to the error queue.", ErrorCode: "UNKNOWN_MESSAGE_TYPE")));
                e.UseFilter(new ErrorTransportFilter());
            }), x => x.Handle<UnknownMessageTypeException>());
            d.UseFilter(new UnknownMessageTypeFilter());
        });

    public Task Send(ReceiveContext context, IPipe<ReceiveContext> next) =>
        throw new UnknownMessageTypeException(
            $"No consumer takes this message (type {MessageTypes(context)}); this endpoint takes only " +
            $"{MessageUrn.ForTypeString<UserChanged>()}.");

    public void Probe(ProbeContext context) => context.CreateFilterScope("unknown-message-type");

    /// <summary>The envelope's <c>messageType</c> list; a foreign publisher chooses it, so it is cut to a readable length.</summary>
    private static string MessageTypes(ReceiveContext context)
    {
        try
        {
            using var envelope = JsonDocument.Parse(context.Body.GetBytes());
            if (envelope.RootElement.ValueKind == JsonValueKind.Object
                && envelope.RootElement.TryGetProperty("messageType", out var types)
                && types.ValueKind == JsonValueKind.Array)
            {
                var names = string.Join(", ", types.EnumerateArray().Select(t => t.ToString()));
                return names.Length > MaxTypesLength ? names[..MaxTypesLength] + "…" : names;
            }
        }
        catch (JsonException)
        {
        }

        return "not named";
    }
}

/// <summary>A message of a type no consumer of the endpoint takes; the message names the type.</summary>
public sealed class UnknownMessageTypeException(string message) : Exception(message);
