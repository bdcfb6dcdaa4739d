namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>The log of Rescue API calls received, newest last, bounded so a long demo cannot exhaust memory.</summary>
public sealed class CallLog(TimeProvider time)
{
    public const int Capacity = 20_000;
    private static readonly HashSet<string> SecretParameters = new(["authcode", "pwd", "confpwd", "oldpwd"], StringComparer.OrdinalIgnoreCase);

    private readonly Lock _gate = new();
    private readonly LinkedList<ApiCall> _calls = new();
    private long _sequence;

    public ApiCall Add(string method, string httpMethod, IReadOnlyDictionary<string, string> parameters, string result, int httpStatus)
    {
        var masked = parameters.ToDictionary(
            p => p.Key.ToLowerInvariant(),
            p => SecretParameters.Contains(p.Key) ? "***" : p.Value);
        lock (_gate)
        {
            var call = new ApiCall(++_sequence, time.GetUtcNow(), method, httpMethod, masked, result, httpStatus);
            _calls.AddLast(call);
            if (_calls.Count > Capacity)
            {
                _calls.RemoveFirst();
            }

            return call;
        }
    }

    /// <summary>Calls after <paramref name="afterSequence"/>, optionally of one method (case-insensitive).</summary>
    public IReadOnlyList<ApiCall> Read(string? method = null, long afterSequence = 0)
    {
        lock (_gate)
        {
            return [.. _calls.Where(c => c.Sequence > afterSequence
                && (method is null || string.Equals(c.Method, method, StringComparison.OrdinalIgnoreCase)))];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _calls.Clear();
        }
    }
}
