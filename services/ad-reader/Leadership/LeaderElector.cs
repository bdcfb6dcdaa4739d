using Microsoft.Extensions.Options;
using RescueAdSync.AdReader.Sync;

namespace RescueAdSync.AdReader.Leadership;

/// <summary>
/// Holds the leader lease of this reader's directory. Each leadership term has its own cancellation token, cancelled
/// the moment the term ends: a refused renewal, or no successful renewal for as long as the lease lasts (the store is
/// unreachable, so another replica may already hold it). The expiry is counted from when the last successful request
/// was sent, which is never later than when the store started counting, so this process stops before anyone else can
/// start.
/// </summary>
public sealed class LeaderElector : IDisposable
{
    private readonly ILeaseStore _store;
    private readonly ILogger<LeaderElector> _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private CancellationTokenSource? _term;
    private string _endReason = "";
    private int _terms;

    public LeaderElector(ILeaseStore store, IOptions<ReaderOptions> options, TimeProvider time, ILogger<LeaderElector> logger)
        : this(store, options.Value.EffectiveLeaseName(), NewHolderId(),
            TimeSpan.FromSeconds(options.Value.LeaderElection.LeaseDurationSeconds),
            TimeSpan.FromSeconds(options.Value.LeaderElection.RenewIntervalSeconds), time, logger)
    {
    }

    internal LeaderElector(ILeaseStore store, string leaseName, string holder, TimeSpan leaseDuration, TimeSpan renewInterval,
        TimeProvider time, ILogger<LeaderElector> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        LeaseName = leaseName;
        Holder = holder;
        LeaseDuration = leaseDuration;
        RenewInterval = renewInterval;
        ReaderMetrics.Leader.Set(0);
    }

    public string LeaseName { get; }

    /// <summary>This process: host name, pid and a random part, so two replicas (or two hosts in one test) never share it.</summary>
    public string Holder { get; }

    public TimeSpan LeaseDuration { get; }

    public TimeSpan RenewInterval { get; }

    public bool IsLeader
    {
        get
        {
            lock (_gate)
            {
                return _term is { IsCancellationRequested: false };
            }
        }
    }

    /// <summary>Cancelled when the current term ends; already cancelled while this process is a follower.</summary>
    public CancellationToken LeadershipToken
    {
        get
        {
            lock (_gate)
            {
                return _term is { IsCancellationRequested: false } term ? term.Token : new CancellationToken(canceled: true);
            }
        }
    }

    /// <summary>Counts the terms won, so the reader can tell that it was a follower in between and its caches may be stale.</summary>
    public int Term
    {
        get
        {
            lock (_gate)
            {
                return _terms;
            }
        }
    }

    public static string NewHolderId() =>
        $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>One attempt to acquire or renew; returns whether this process leads afterwards.</summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        var sent = _time.GetTimestamp();
        bool granted;
        try
        {
            // A hanging request must not outlive the lease it is trying to keep.
            using var timeout = new CancellationTokenSource(LeaseDuration, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            granted = await _store.TryAcquireAsync(LeaseName, Holder, LeaseDuration, linked.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Unreachable is not "taken": keep the term until the lease we last got lapses (the term's own timer ends it).
            _logger.LeaseNotRenewed(LeaseName, Holder, IsLeader, ex.Message, ex);
            return IsLeader;
        }

        var remaining = LeaseDuration - _time.GetElapsedTime(sent);
        if (!granted || remaining <= TimeSpan.Zero)
        {
            End(granted ? "the renewal answered after the lease had already lapsed" : "the lease is held by another replica");
            return false;
        }
        lock (_gate)
        {
            if (_term is not { IsCancellationRequested: false })
            {
                _term?.Dispose();
                _term = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
                _terms++;
                _endReason = $"no renewal succeeded within {LeaseDuration.TotalSeconds:0.#} s";
                _term.Token.Register(OnTermEnded);
                ReaderMetrics.Leader.Set(1);
                _logger.BecameLeader(Holder, LeaseName);
            }
            _term.CancelAfter(remaining);
        }
        return true;
    }

    /// <summary>Ends the term at once and frees the lease, so a follower takes over without waiting for it to lapse.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var wasLeader = IsLeader;
        End("the reader is stopping");
        if (!wasLeader)
        {
            return;
        }
        try
        {
            await _store.ReleaseAsync(LeaseName, Holder, cancellationToken);
        }
        catch (Exception ex)
        {
            // The lease lapses on its own; a follower only waits a little longer.
            _logger.LeaseNotReleased(LeaseName, Holder, ex.Message, ex);
        }
    }

    private void End(string reason)
    {
        lock (_gate)
        {
            if (_term is { IsCancellationRequested: false } term)
            {
                _endReason = reason;
                term.Cancel();
            }
        }
    }

    private void OnTermEnded()
    {
        ReaderMetrics.Leader.Set(0);
        _logger.LostLeadership(Holder, LeaseName, _endReason);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _term?.Dispose();
            _term = null;
        }
    }
}
