using System.Diagnostics;

namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// One of the services (or the Rescue emulator) as a real process: <c>dotnet &lt;dll&gt; --urls http://127.0.0.1:&lt;port&gt;</c>
/// (or its app host, given one instead of a dll)
/// with its stdout and stderr captured, ready once GET /health/live answers 200.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    // Generous: on a shared 2-core machine at load 50+ an ASP.NET Core service took over 60 s to answer (seen in the
    // benchmark); ADSYNC_SERVICE_READY_SECONDS overrides it.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("ADSYNC_SERVICE_READY_SECONDS"), out var seconds) && seconds > 0 ? seconds : 180);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private readonly string _dllPath;
    private readonly IDictionary<string, string?> _environment;
    private readonly OutputBuffer _output = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private bool _disposed;

    private ServiceProcess(string name, string dllPath, IDictionary<string, string?> environment, int port)
    {
        Name = name;
        _dllPath = dllPath;
        _environment = new Dictionary<string, string?>(environment);
        Port = port;
    }

    public string Name { get; }
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The running process's id (the service itself: <c>dotnet &lt;dll&gt;</c>), or null while it is not running.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>Everything the process wrote to stdout and stderr so far, across restarts.</summary>
    public string Output => _output.ToString();

    public static async Task<ServiceProcess> StartAsync(string name, string dllPath, IDictionary<string, string?> environment,
        CancellationToken ct = default)
    {
        if (!File.Exists(dllPath))
        {
            throw new FileNotFoundException($"{name}: {dllPath} does not exist; build the service first.", dllPath);
        }

        var service = new ServiceProcess(name, dllPath, environment, Ports.GetFree());
        try
        {
            await service.LaunchAsync(ct);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>Kills the process with SIGKILL, as a crash would; <see cref="StartAgainAsync"/> brings it back.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is null || process.HasExited)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        process.WaitForExit(5000);
    }

    /// <summary>Stops the process gracefully (SIGTERM), killing it if it does not exit in time.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await StopCoreAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts the service again on the same port with the same environment.</summary>
    public async Task StartAgainAsync()
    {
        await _gate.WaitAsync();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_process is { HasExited: false })
            {
                throw new InvalidOperationException($"{Name} is still running.");
            }

            await LaunchAsync(CancellationToken.None);
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
            await StopCoreAsync();
            ServerRegistry.Unregister(this);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override string ToString() => $"{Name} ({Url})";

    /// <summary>
    /// How a service is started: a dll on the shared framework (<c>dotnet &lt;dll&gt;</c>), anything else as an app host
    /// (e.g. a self-contained publish), with <c>--urls <paramref name="url"/></c>, output redirected.
    /// </summary>
    public static ProcessStartInfo StartInfo(string dllOrAppHost, string url, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var psi = new ProcessStartInfo(IsDll(dllOrAppHost) ? "dotnet" : dllOrAppHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dllOrAppHost)!,
        };
        if (IsDll(dllOrAppHost))
        {
            psi.ArgumentList.Add(dllOrAppHost);
        }

        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(url);
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        return psi;
    }

    private static bool IsDll(string path) => path.EndsWith(".dll", StringComparison.Ordinal);

    private async Task LaunchAsync(CancellationToken ct)
    {
        var psi = StartInfo(_dllPath, Url, _environment);
        psi.RedirectStandardInput = true;
        var isDll = IsDll(_dllPath);
        _output.AppendLine($"----- {Name}: {(isDll ? "dotnet " : "")}{Path.GetFileName(_dllPath)} --urls {Url} ({DateTimeOffset.Now:HH:mm:ss.fff})");
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => _output.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => _output.AppendLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{Name}: could not start dotnet.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        ServerRegistry.Register(this, Kill);

        await WaitUntilLiveAsync(process, ct);
    }

    private async Task WaitUntilLiveAsync(Process process, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None); // flushes the output readers
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} before it was live.\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync($"{Url}/health/live", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(100, ct);
        }
        Kill();
        throw new TimeoutException($"{Name} did not answer GET {Url}/health/live with 200 within {ReadyTimeout.TotalSeconds:0} s.\n{Output}");
    }

    private async Task StopCoreAsync()
    {
        var process = _process;
        if (process is null || process.HasExited)
        {
            return;
        }

        Signals.Terminate(process.Id);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _output.AppendLine($"----- {Name}: no exit {StopTimeout.TotalSeconds:0} s after SIGTERM, killing");
            Kill();
        }
    }
}
