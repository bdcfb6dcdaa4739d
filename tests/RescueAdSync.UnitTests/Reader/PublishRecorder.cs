using System.Reflection;
using MassTransit;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>An <see cref="IPublishEndpoint"/> that records what is published (or fails), without a broker.</summary>
public class PublishRecorder : DispatchProxy
{
    public List<object> Published { get; } = [];

    public Exception? Fail { get; set; }

    public static (IPublishEndpoint Endpoint, PublishRecorder Recorder) Create()
    {
        var endpoint = Create<IPublishEndpoint, PublishRecorder>();
        return (endpoint, (PublishRecorder)(object)endpoint);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod?.Name != nameof(IPublishEndpoint.Publish) || args is null || args.Length != 2 || args[1] is not CancellationToken)
        {
            throw new NotSupportedException($"Only Publish(message, cancellationToken) is faked, not {targetMethod}.");
        }
        if (Fail is not null)
        {
            return Task.FromException(Fail);
        }
        Published.Add(args[0]!);
        return Task.CompletedTask;
    }
}
