using System.Reflection;
using MassTransit;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>An <see cref="IPublishEndpoint"/> that records what is published (or fails), without a broker.</summary>
public class PublishRecorder : DispatchProxy
{
    private readonly Lock _lock = new();
    private readonly List<object> _published = [];
    private readonly List<(object Message, TaskCompletionSource Confirm)> _held = [];

    /// <summary>Messages whose publish was started, in start order.</summary>
    public List<object> Published
    {
        get
        {
            lock (_lock)
            {
                return [.. _published];
            }
        }
    }

    public Exception? Fail { get; set; }

    /// <summary>When set, a publish stays unconfirmed until <see cref="Confirm"/> or <see cref="Reject"/>, like a broker that has not answered yet.</summary>
    public bool Hold { get; set; }

    /// <summary>Publishes started and not yet confirmed or rejected.</summary>
    public int Unconfirmed
    {
        get
        {
            lock (_lock)
            {
                return _held.Count(h => !h.Confirm.Task.IsCompleted);
            }
        }
    }

    public static (IPublishEndpoint Endpoint, PublishRecorder Recorder) Create()
    {
        var endpoint = Create<IPublishEndpoint, PublishRecorder>();
        return (endpoint, (PublishRecorder)(object)endpoint);
    }

    /// <summary>Confirms the oldest unconfirmed publish; false if there is none.</summary>
    public bool Confirm() => Complete(confirm => confirm.TrySetResult());

    /// <summary>Fails the oldest unconfirmed publish, as a nack or a lost channel would.</summary>
    public bool Reject(Exception error) => Complete(confirm => confirm.TrySetException(error));

    private bool Complete(Action<TaskCompletionSource> complete)
    {
        TaskCompletionSource? next;
        lock (_lock)
        {
            next = _held.Select(h => h.Confirm).FirstOrDefault(c => !c.Task.IsCompleted);
        }
        if (next is null)
        {
            return false;
        }
        complete(next);
        return true;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        // Publish(message, cancellationToken), or with a pipe that shapes the publish (PublishToQueueAsync makes it mandatory).
        if (targetMethod?.Name != nameof(IPublishEndpoint.Publish) || args is null || args.Length is not (2 or 3) || args[^1] is not CancellationToken token)
        {
            throw new NotSupportedException($"Only Publish(message, [pipe,] cancellationToken) is faked, not {targetMethod}.");
        }
        if (Fail is not null)
        {
            return Task.FromException(Fail);
        }
        lock (_lock)
        {
            _published.Add(args[0]!);
            if (!Hold)
            {
                return Task.CompletedTask;
            }
            // Asynchronous continuations: the synchronizer must not run inside a test's Confirm call.
            var confirm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            token.Register(() => confirm.TrySetCanceled(token));
            _held.Add((args[0]!, confirm));
            return confirm.Task;
        }
    }
}
