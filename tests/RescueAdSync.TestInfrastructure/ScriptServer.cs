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
    private readonly string[] _emergencySubcommands;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    /// <param name="emergencySubcommands">Run in order on the run dir when the test process exits with the server still up.</param>
    public ScriptServer(string script, string runDir, IEnumerable<string> startArgs, IDictionary<string, string?>? environment = null,
        string[]? emergencySubcommands = null)
    {
        _emergencySubcommands = emergencySubcommands ?? ["stop"];
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
                return;
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

    private void EmergencyStop()
    {
        foreach (var subcommand in _emergencySubcommands)
            ScriptRunner.Run(_script, [subcommand, RunDir], TimeSpan.FromSeconds(30));
    }

    public override string ToString() => $"{_script} {RunDir}";
}
