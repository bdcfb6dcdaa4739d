namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>Latency, HTTP 429/503 and connection resets for the Rescue API endpoints (never for /admin).</summary>
public sealed class FaultInjector(TimeProvider time)
{
    private readonly Lock _gate = new();
    private TimeSpan _latency;
    private HttpFaultRequest? _http;
    private int? _httpRemaining;
    private DateTimeOffset? _httpUntil;
    private int _resetsRemaining;

    public void SetLatency(TimeSpan latency)
    {
        if (latency < TimeSpan.Zero || latency > TimeSpan.FromMinutes(5))
        {
            throw new AdminRequestException("INVALID_LATENCY", "Latency must be between 0 and 5 minutes.");
        }

        lock (_gate)
        {
            _latency = latency;
        }
    }

    public void SetHttpFault(HttpFaultRequest request)
    {
        if (request.Status is < 400 or > 599)
        {
            throw new AdminRequestException("INVALID_STATUS", "Status must be an HTTP error (429, 503, …).");
        }

        if (request.RetryAfterSeconds < 0)
        {
            throw new AdminRequestException("INVALID_RETRY_AFTER", "RetryAfterSeconds cannot be negative.");
        }

        if (request.Count is null == request.DurationSeconds is null)
        {
            throw new AdminRequestException("INVALID_FAULT", "Give either Count or DurationSeconds.");
        }

        lock (_gate)
        {
            _http = request;
            _httpRemaining = request.Count;
            _httpUntil = request.DurationSeconds is { } seconds ? time.GetUtcNow().AddSeconds(seconds) : null;
        }
    }

    public void SetResets(int count)
    {
        if (count < 0)
        {
            throw new AdminRequestException("INVALID_FAULT", "Count cannot be negative.");
        }

        lock (_gate)
        {
            _resetsRemaining = count;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _latency = TimeSpan.Zero;
            _http = null;
            _httpRemaining = null;
            _httpUntil = null;
            _resetsRemaining = 0;
        }
    }

    /// <summary>Consumes one call's worth of faults: resets first, then HTTP errors.</summary>
    public FaultDecision Next()
    {
        lock (_gate)
        {
            if (_resetsRemaining > 0)
            {
                _resetsRemaining--;
                return new FaultDecision(_latency, true, null, null);
            }
            if (_http is { } http && IsHttpFaultActive())
            {
                if (_httpRemaining is not null)
                {
                    _httpRemaining--;
                }

                return new FaultDecision(_latency, false, http.Status, TimeSpan.FromSeconds(http.RetryAfterSeconds));
            }
            return new FaultDecision(_latency, false, null, null);
        }
    }

    public FaultsView View()
    {
        lock (_gate)
        {
            var active = _http is not null && IsHttpFaultActive();
            return new FaultsView((int)_latency.TotalMilliseconds, active ? _http!.Status : null, active ? _http!.RetryAfterSeconds : null,
                active ? _httpRemaining : null, active ? _httpUntil : null, _resetsRemaining);
        }
    }

    private bool IsHttpFaultActive() =>
        _httpRemaining is > 0 || (_httpUntil is { } until && time.GetUtcNow() < until);
}
