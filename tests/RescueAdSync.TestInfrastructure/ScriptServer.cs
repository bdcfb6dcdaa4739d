namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// A server run by one of deploy/local/*.sh in its own run dir: start, stop, start again on the same
/// data and ports, registered so it never outlives the test process.
/// </summary>
internal sealed class ScriptServer
{
    private readonly string _script;
    private readonly string[] _startArgs;
    private readonly IDictionary<string, string?> _environment;
    private readonly int _exitSignal;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    /// <param name="exitSignal">
    /// Sent to the processes in the run dir's pid files when the test process exits with the server still
    /// up: SIGTERM, or what the server takes as "shut down fast" (PostgreSQL: SIGINT).
    /// </param>
    public ScriptServer(string script, string runDir, IEnumerable<string> startArgs, IDictionary<string, string?>? environment = null,
        int exitSignal = Signals.SigTerm)
    {
        _exitSignal = exitSignal;
        _script = script;
        RunDir = runDir;
        _startArgs = ["start", runDir, .. startArgs];
        _environment = environment ?? new Dictionary<string, string?>();
    }

    public string RunDir { get; }

    /// <summary>How long the last start took, for the test log.</summary>
    public TimeSpan LastStartDuration { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ServerRegistry.Register(this, EmergencyStop);
            var started = System.Diagnostics.Stopwatch.StartNew();
            await ScriptRunner.RunAsync(_script, _startArgs, ct, _environment);
            LastStartDuration = started.Elapsed;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task StopAsync() => RunLockedAsync(["stop", RunDir]);

    /// <summary>An extra subcommand of the script on the run dir, e.g. "kill".</summary>
    public Task RunLockedAsync(string[] args) => RunLockedAsync(args, CancellationToken.None);

    private async Task RunLockedAsync(string[] args, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await ScriptRunner.RunAsync(_script, args, ct, _environment);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await ScriptRunner.RunAsync(_script, ["stop", RunDir], CancellationToken.None, _environment);
            ServerRegistry.Unregister(this);
            RunDirectories.Remove(RunDir);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Signals only, no scripts: a test host ending on SIGTERM may be gone within milliseconds, and
    // each server shuts itself down on the signal. cleanup.sh catches what even this misses.
    private void EmergencyStop()
    {
        foreach (var pidFile in new[] { "pid", "epmd.pid" })
        {
            try
            {
                if (int.TryParse(File.ReadAllText(Path.Combine(RunDir, pidFile)).Trim(), out var pid))
                {
                    Signals.SendToGroup(pid, _exitSignal);
                }
            }
            catch (IOException)
            {
                // No such pid file: not running, or not this kind of server.
            }
        }
    }

    public override string ToString() => $"{_script} {RunDir}";
}
