using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using RescueAdSync.Benchmarks.Directories;
using RescueAdSync.Benchmarks.Results;
using RescueAdSync.Benchmarks.Stack;
using RescueAdSync.Contracts.Config;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>
/// The stack the footprint scenarios measure: an OpenLDAP directory of <see cref="BenchOptions.IdleUsers"/> users, the
/// config service, one provisioner and the reader, with the initial sync done (every user created in the emulator).
/// Shared by scenario 7 (idle memory) and scenario 8 (start to ready), in that order.
/// </summary>
public sealed class FootprintStack : IAsyncDisposable
{
    /// <summary>The three services measured, by folder under services/ (as <see cref="BenchStack.LaunchOf"/> names them).</summary>
    public static readonly string[] Services = ["config", "ad-reader", "provisioner"];

    private readonly OpenLdapDirectory _directory;
    private readonly BrokerAdmin _broker;

    private FootprintStack(OpenLdapDirectory directory, BrokerAdmin broker, BenchStack stack, double syncSeconds)
    {
        _directory = directory;
        _broker = broker;
        Stack = stack;
        SyncSeconds = syncSeconds;
    }

    public BenchStack Stack { get; }
    public double SyncSeconds { get; }

    public ServiceProcess Service(string folder) => folder switch
    {
        "config" => Stack.Config,
        "ad-reader" => Stack.Reader ?? throw new InvalidOperationException("The reader is not running."),
        "provisioner" => Stack.Provisioners[0],
        _ => throw new ArgumentOutOfRangeException(nameof(folder), folder, "Not a measured service."),
    };

    public static async Task<FootprintStack> StartAsync(BenchContext context)
    {
        var ct = context.Cancellation;
        var users = context.Options.IdleUsers;
        var directory = await OpenLdapDirectory.CreateAsync(users, ct);
        BrokerAdmin? broker = null;
        BenchStack? stack = null;
        try
        {
            broker = await BrokerAdmin.CreateAsync(context.Broker, "footprint", withSink: false);
            stack = await BenchStack.StartAsync(broker, "footprint", serviceEnvironment: context.Options.ServiceEnvironment,
                publishedDirectory: context.Options.PublishedDirectory);
            await stack.ConfigureDirectoryAsync(new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [directory.Url], directory.AdminDn,
                OpenLdapDirectory.Password, OpenLdapDirectory.Suffix));
            await stack.CreateMappingAsync(directory.GroupDn);
            await stack.StartProvisionersAsync(1);
            await broker.WaitForBindingAsync("user-changed-partitions", TimeSpan.FromSeconds(60));
            var sync = Stopwatch.StartNew();
            await stack.StartReaderAsync();
            BenchContext.Log($"footprint: initial sync of {users:N0} users");
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
            while (PrometheusText.Sum(await BenchStack.GetMetricsAsync(stack.Provisioners[0], ct), "adsync_provisioner_operations_total", "result=\"created\"") < users)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Not all {users:N0} technicians were created in 10 minutes.\n{stack.Output}");
                }

                await Task.Delay(250, ct);
            }
            BenchContext.Log($"footprint: {users:N0} technicians created in {sync.Elapsed.TotalSeconds:0.0} s");
            return new FootprintStack(directory, broker, stack, sync.Elapsed.TotalSeconds);
        }
        catch
        {
            if (stack is not null)
            {
                await stack.DisposeAsync();
            }

            if (broker is not null)
            {
                await broker.DisposeAsync();
            }

            await directory.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stack.DisposeAsync();
        await _broker.DisposeAsync();
        await _directory.DisposeAsync();
    }
}

/// <summary>
/// Scenario 7: each service's resident memory at rest after the initial sync of <see cref="BenchOptions.IdleUsers"/> users,
/// once the three processes have been quiet (each under 2 % of a core over two 5-second windows in a row): VmRSS, VmHWM,
/// what the RSS is made of (by kind of mapping from smaps, PSS from smaps_rollup) and the managed heap from /metrics.
/// </summary>
public static class IdleMemoryScenario
{
    public const double TargetMb = 80;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private const double QuietCpuPerWindow = 0.1; // seconds of CPU in a 5 s window: 2 % of a core

    public static async Task<List<BenchResult>> RunAsync(BenchContext context, FootprintStack footprint)
    {
        var ct = context.Cancellation;
        var pids = FootprintStack.Services.ToDictionary(s => s, s => ProcessMemory.FindPid(footprint.Service(s).Url)
            ?? throw new InvalidOperationException($"{s} is not running.\n{footprint.Stack.Output}"), StringComparer.Ordinal);
        var quiet = await WaitUntilQuietAsync(pids, ct);
        var results = new List<BenchResult>();
        var environment = context.Options.ServiceEnvironment.Count == 0 ? "built-in runtime settings"
            : "with " + string.Join(", ", context.Options.ServiceEnvironment.Select(e => $"{e.Key}={e.Value}"));
        foreach (var service in FootprintStack.Services)
        {
            var memory = ProcessMemory.Breakdown(pids[service]) ?? throw new InvalidOperationException($"{service} exited.\n{footprint.Stack.Output}");
            var metrics = await BenchStack.GetMetricsAsync(footprint.Service(service), ct);
            // prometheus-net's GC.GetTotalMemory(false), and the runtime meter's committed GC memory after the last collection.
            var managedMb = PrometheusText.Sum(metrics, "dotnet_total_memory_bytes") / 1048576.0;
            var committedMb = PrometheusText.Sum(metrics, "system_runtime_dotnet_gc_last_collection_memory_committed_size") / 1048576.0;
            var threads = ThreadCount(pids[service]);
            var notes = FormattableString.Invariant(
                $"after the initial sync of {context.Options.IdleUsers:N0} users, {quiet}; resident MB by mapping: {memory.KindsText}; managed heap {managedMb:0.0} MB, GC committed {committedMb:0.0} MB; {threads} threads; {environment}");
            results.Add(new BenchResult("7 idle memory", $"{service}: RSS at rest", memory.RssMb, "MB",
                Target: $"≤ {TargetMb:0} MB", TargetMet: memory.RssMb <= TargetMb, Notes: notes));
            results.Add(new BenchResult("7 idle memory", $"{service}: peak RSS (VmHWM) since start", memory.PeakRssMb, "MB"));
            results.Add(new BenchResult("7 idle memory", $"{service}: managed heap at rest", managedMb, "MB",
                Notes: FormattableString.Invariant($"anonymous pages {memory.AnonymousMb:0.0} MB, file-backed and shared {memory.FileBackedMb:0.0} MB, PSS {memory.PssMb:0.0} MB")));
            BenchContext.Log("idle memory: " + service + " largest mappings: " + string.Join(", ",
                ProcessMemory.LargestMappings(pids[service], 30).Select(m => FormattableString.Invariant($"{m.Mapping} {m.Mb:0.0}"))));
            BenchContext.Log($"idle memory: {service} {notes}");
        }
        return results;
    }

    /// <summary>Waits until every process used under <see cref="QuietCpuPerWindow"/> in two windows in a row (at most 3 minutes); says how it went.</summary>
    private static async Task<string> WaitUntilQuietAsync(IReadOnlyDictionary<string, int> pids, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        var quietWindows = 0;
        var before = pids.ToDictionary(p => p.Key, p => ProcessMemory.CpuSeconds(p.Value) ?? 0, StringComparer.Ordinal);
        var last = "";
        while (waited.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(Window, ct);
            var now = pids.ToDictionary(p => p.Key, p => ProcessMemory.CpuSeconds(p.Value) ?? 0, StringComparer.Ordinal);
            var used = now.ToDictionary(p => p.Key, p => p.Value - before[p.Key], StringComparer.Ordinal);
            before = now;
            last = string.Join(", ", used.Select(u => FormattableString.Invariant($"{u.Key} {u.Value:0.00} s")));
            quietWindows = used.Values.All(v => v <= QuietCpuPerWindow) ? quietWindows + 1 : 0;
            if (quietWindows == 2)
            {
                return FormattableString.Invariant($"quiet after {waited.Elapsed.TotalSeconds:0} s (CPU in the last 5 s: {last})");
            }
        }
        return $"never quiet in 3 minutes (CPU in the last 5 s: {last})";
    }

    private static int ThreadCount(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task").Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

/// <summary>
/// Scenario 8: how long a new instance of each service takes from exec (<c>dotnet &lt;dll&gt;</c>) to its first 200 from
/// /health/ready — what a Kubernetes readiness probe waits for when the service scales out. Each start is one more
/// instance beside the running stack, with the same environment (the config service on the same, migrated database;
/// the reader as a follower; the provisioner joining the partitions), stopped with SIGTERM before the next one. The
/// services take turns, so a burst of load on the shared machine spreads over all three. With
/// <see cref="BenchOptions.StartupCompare"/> every start is also made with that environment, the two alternating, and the
/// second figure has the first as its baseline: a runtime setting compared under the same load.
/// </summary>
public static class StartupScenario
{
    public const double TargetSeconds = 1.0;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static async Task<List<BenchResult>> RunAsync(BenchContext context, FootprintStack footprint)
    {
        var ct = context.Cancellation;
        var runs = context.Options.StartupRuns;
        var compare = context.Options.StartupCompare;
        var variants = compare.Count == 0 ? [""] : new[] { "", string.Join(" ", compare.Select(e => $"{e.Key}={e.Value}")) };
        var ready = new Dictionary<(string, string), List<double>>();
        var live = new Dictionary<(string, string), List<double>>();
        var cpu = new Dictionary<(string, string), List<double>>();
        for (var run = 1; run <= runs; run++)
        {
            var line = new List<string>();
            foreach (var service in FootprintStack.Services)
            {
                // With --startup-compare the two environments alternate start by start, so both see the same load.
                foreach (var variant in run % 2 == 0 ? variants.Reverse() : variants)
                {
                    var (dll, environment) = footprint.Stack.LaunchOf(service);
                    var env = new Dictionary<string, string?>(environment, StringComparer.Ordinal);
                    if (variant.Length > 0)
                    {
                        foreach (var (key, value) in compare)
                        {
                            env[key] = value;
                        }
                    }

                    var (liveSeconds, readySeconds, cpuSeconds) = await TimeToReadyAsync(service, dll, env, ct);
                    Add(live, (service, variant), liveSeconds);
                    Add(ready, (service, variant), readySeconds);
                    Add(cpu, (service, variant), cpuSeconds);
                    line.Add(FormattableString.Invariant($"{service}{(variant.Length > 0 ? " (" + variant + ")" : "")} {readySeconds:0.000} s"));
                }
            }
            BenchContext.Log($"startup: run {run}: {string.Join(", ", line)}");
        }

        var results = new List<BenchResult>();
        foreach (var service in FootprintStack.Services)
        {
            double? builtIn = null;
            foreach (var variant in variants)
            {
                var samples = ready[(service, variant)];
                var median = Percentiles.Of(samples, 50);
                var label = variant.Length == 0 ? "" : $" with {variant}";
                var all = string.Join(" ", samples.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)));
                var notes = FormattableString.Invariant(
                    $"max {samples.Max():0.000} s; /health/live first 200 at median {Percentiles.Of(live[(service, variant)], 50):0.000} s; CPU until ready median {Percentiles.Of(cpu[(service, variant)], 50):0.00} s; {Launch(footprint.Stack.LaunchOf(service).Dll)}; all: {all}");
                results.Add(variant.Length == 0
                    ? new BenchResult("8 startup", $"{service}: exec → /health/ready 200, median of {runs}", median, "s",
                        Target: $"≤ {TargetSeconds:0} s", TargetMet: median <= TargetSeconds, Notes: notes)
                    : new BenchResult("8 startup", $"{service}{label}: exec → /health/ready 200, median of {runs}", median, "s",
                        Baseline: "built-in settings, same run, starts alternated", BaselineValue: builtIn, Notes: notes));
                results.Add(new BenchResult("8 startup", $"{service}{label}: slowest of {runs}", samples.Max(), "s"));
                builtIn ??= median;
            }
        }
        return results;
    }

    private static void Add(Dictionary<(string, string), List<double>> samples, (string, string) key, double value)
    {
        if (!samples.TryGetValue(key, out var list))
        {
            samples[key] = list = [];
        }

        list.Add(value);
    }

    private static string Launch(string path) => path.EndsWith(".dll", StringComparison.Ordinal)
        ? $"dotnet {Path.GetFileName(path)} (Release build)"
        : $"{Path.GetFileName(path)} (self-contained publish in {Path.GetDirectoryName(Path.GetDirectoryName(path))})";

    /// <summary>Seconds from exec to the first 200 of /health/live and of /health/ready (polled every 10 ms), and the CPU seconds the process used until then.</summary>
    private static async Task<(double Live, double Ready, double Cpu)> TimeToReadyAsync(string name, string dll, IReadOnlyDictionary<string, string?> environment,
        CancellationToken ct)
    {
        var url = $"http://127.0.0.1:{Ports.GetFree()}";
        var psi = ServiceProcess.StartInfo(dll, url, environment);

        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        double? liveAt = null;
        try
        {
            while (clock.Elapsed < ReadyTimeout)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{name} exited with {process.ExitCode} before it was ready.\n{Output(output)}");
                }

                try
                {
                    if (liveAt is null)
                    {
                        using var liveResponse = await http.GetAsync($"{url}/health/live", ct);
                        if (liveResponse.IsSuccessStatusCode)
                        {
                            liveAt = clock.Elapsed.TotalSeconds;
                        }
                    }
                    if (liveAt is not null)
                    {
                        using var response = await http.GetAsync($"{url}/health/ready", ct);
                        if (response.IsSuccessStatusCode)
                        {
                            var readyAt = clock.Elapsed.TotalSeconds;
                            return (liveAt.Value, readyAt, ProcessMemory.CpuSeconds(process.Id) ?? double.NaN);
                        }
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                }
                await Task.Delay(10, ct);
            }
            throw new TimeoutException($"{name} did not answer /health/ready with 200 within {ReadyTimeout.TotalSeconds:0} s.\n{Output(output)}");
        }
        finally
        {
            await StopAsync(process);
        }
    }

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        _ = kill(process.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static string Output(StringBuilder output)
    {
        lock (output)
        {
            var text = output.ToString();
            return text.Length <= 6000 ? text : text[^6000..];
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
