namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>
/// A fault for the window between Rescue doing something and the caller learning it: the next Count calls of one method
/// are carried out, then their connection is aborted before the answer goes out (as when the caller crashes or the
/// network drops right after the request). Used to prove that a non-idempotent createUser is never repeated blindly.
/// </summary>
public sealed class LostAnswers
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _remaining = new(StringComparer.OrdinalIgnoreCase);

    public void Set(string method, int count)
    {
        if (string.IsNullOrWhiteSpace(method))
        {
            throw new AdminRequestException("INVALID_FAULT", "Name the Rescue API method, e.g. createUser.");
        }

        if (count < 0)
        {
            throw new AdminRequestException("INVALID_FAULT", "Count cannot be negative.");
        }

        lock (_gate)
        {
            _remaining[method] = count;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _remaining.Clear();
        }
    }

    /// <summary>True when this call's answer must be lost (consumes one).</summary>
    public bool Take(string method)
    {
        lock (_gate)
        {
            if (!_remaining.TryGetValue(method, out var left) || left <= 0)
            {
                return false;
            }

            _remaining[method] = left - 1;
            return true;
        }
    }
}
