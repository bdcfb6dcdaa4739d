using System.Globalization;

namespace RescueAdSync.Benchmarks;

/// <summary>
/// Command line of the benchmark. Full sizes are the documented ones (docs/performance.md); <c>--quick</c> shrinks every size so a developer gets
/// a complete table in a few minutes (the figures then show the shape, not the targets).
/// </summary>
public sealed class BenchOptions
{
    public static readonly string[] AllScenarios = ["read", "samba", "latency", "provision", "publish", "idle-memory", "startup"];

    public bool Quick { get; private init; }

    /// <summary>
    /// Which scenarios run: read (1, 2, 5, 6 on OpenLDAP), samba (1, 6 on Samba AD), latency (3), provision (4, 6), publish (5's baseline; runs
    /// inside read), idle-memory (7: each service's memory at rest after an initial sync), startup (8: each service's start to ready).
    /// </summary>
    public IReadOnlySet<string> Scenarios { get; private init; } = new HashSet<string>(AllScenarios);

    /// <summary>OpenLDAP directory sizes for the initial read; the smallest and largest also give the idle-poll ratio.</summary>
    public IReadOnlyList<int> OpenLdapSizes { get; private init; } = [1_000, 10_000, 100_000];

    public int SambaSize { get; private init; } = 10_000;
    public int LatencyChanges { get; private init; } = 100;
    public int LatencyDirectorySize { get; private init; } = 1_000;
    public int ProvisionUsers { get; private init; } = 10_000;
    public IReadOnlyList<int> ProvisionLatenciesMs { get; private init; } = [0, 50];
    public IReadOnlyList<int> ProvisionInstances { get; private init; } = [1, 3];

    /// <summary>The provisioner's default Provisioner__ConcurrentMessageLimit; the HttpClient baseline uses this many calls in flight per instance.</summary>
    public int ConcurrencyPerInstance { get; private init; } = 16;

    /// <summary>Wait for the reader's periodic reconciliation (Reader__ReconcileMinutes=1): a full read that publishes nothing, i.e. the read alone.</summary>
    public bool MeasureReadAlone { get; private init; } = true;

    public string Output { get; private init; } = Path.Combine("artifacts", "bench", "results.json");

    /// <summary>Samba's fixed AD ports need a loopback address of their own: --samba-ip, else ADSYNC_TEST_SAMBA_IP, else .21.</summary>
    public string SambaAddress { get; private init; } = Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_IP") is { Length: > 0 } ip ? ip : "127.0.0.21";

    /// <summary>Extra environment for the reader process (--reader-env KEY=VALUE, repeatable), e.g. DOTNET_gcServer=1 to compare GC modes.</summary>
    public IReadOnlyDictionary<string, string?> ReaderEnvironment { get; private init; } = new Dictionary<string, string?>();

    /// <summary>The config service's store in the provisioning scenario: sqlite (the default deployment) or postgres (a local cluster, as for large organizations).</summary>
    public string ConfigDatabase { get; private init; } = "sqlite";

    /// <summary>Directory size of the idle-memory and startup scenarios: the initial sync the services have behind them.</summary>
    public int IdleUsers { get; private init; } = 1_000;

    /// <summary>How often the startup scenario starts each service (median and maximum over these).</summary>
    public int StartupRuns { get; private init; } = 10;

    /// <summary>
    /// Extra environment for the config service, the reader and the provisioners in every scenario (--service-env KEY=VALUE, repeatable), e.g.
    /// DOTNET_GCConserveMemory=0 to compare a runtime setting against the one built into the services.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ServiceEnvironment { get; private init; } = new Dictionary<string, string?>();

    /// <summary>
    /// --startup-compare KEY=VALUE (repeatable): the startup scenario also starts every service with this environment, alternating with the
    /// built-in settings start by start, and reports both (e.g. DOTNET_EnableWriteXorExecute=1 against the built-in W^X off).
    /// </summary>
    public IReadOnlyDictionary<string, string?> StartupCompare { get; private init; } = new Dictionary<string, string?>();

    /// <summary>
    /// --published DIR: the idle-memory and startup scenarios run the three services from self-contained publishes in DIR/config,
    /// DIR/ad-reader and DIR/provisioner (made as the Dockerfiles make them), i.e. what the container images run, instead of the Release build.
    /// </summary>
    public string? PublishedDirectory { get; private init; }

    public static string Usage => """
        usage: RescueAdSync.Benchmarks [--quick] [--only read,samba,latency,provision,publish] [--sizes 1000,10000,100000]
                                       [--samba-size N] [--latency-changes N] [--provision-users N] [--instances 1,3]
                                       [--latencies 0,50] [--no-read-alone] [--out artifacts/bench/results.json]
                                       [--samba-ip 127.0.0.21] [--reader-env KEY=VALUE ...] [--config-db sqlite|postgres]
                                       [--idle-users N] [--startup-runs N] [--service-env KEY=VALUE ...] [--published DIR]
                                       [--startup-compare KEY=VALUE ...]
        scenarios: read, samba, latency, provision, publish, idle-memory, startup
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var quick = args.Contains("--quick");
        var options = quick
            ? new BenchOptions
            {
                Quick = true,
                OpenLdapSizes = [1_000, 10_000],
                SambaSize = 1_000,
                LatencyChanges = 20,
                ProvisionUsers = 1_000,
                StartupRuns = 5,
            }
            : new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            options = args[i] switch
            {
                "--quick" => options,
                "--only" => options.With(scenarios: Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
                "--sizes" => options.With(sizes: Ints(Next())),
                "--samba-size" => options.With(sambaSize: Ints(Next())[0]),
                "--latency-changes" => options.With(latencyChanges: Ints(Next())[0]),
                "--provision-users" => options.With(provisionUsers: Ints(Next())[0]),
                "--instances" => options.With(instances: Ints(Next())),
                "--latencies" => options.With(latencies: Ints(Next())),
                "--no-read-alone" => options.With(readAlone: false),
                "--out" => options.With(output: Next()),
                "--samba-ip" => options.With(sambaAddress: Next()),
                "--reader-env" => options.With(readerEnvironment: KeyValue(args[i], Next(), options.ReaderEnvironment)),
                "--service-env" => options.With(serviceEnvironment: KeyValue(args[i], Next(), options.ServiceEnvironment)),
                "--idle-users" => options.With(idleUsers: Positive(args[i], Next())),
                "--startup-runs" => options.With(startupRuns: Positive(args[i], Next())),
                "--startup-compare" => options.With(startupCompare: KeyValue(args[i], Next(), options.StartupCompare)),
                "--published" => options.With(published: Next() is var dir && Directory.Exists(dir) ? Path.GetFullPath(dir)
                    : throw new ArgumentException($"--published: {args[i]} is not a directory.\n{Usage}")),
                "--config-db" => options.With(configDatabase: Next() is var db && db is "sqlite" or "postgres" ? db
                    : throw new ArgumentException($"--config-db takes sqlite or postgres.\n{Usage}")),
                "--help" or "-h" => throw new ArgumentException(Usage),
                var other => throw new ArgumentException($"Unknown option {other}.\n{Usage}"),
            };
        }
        var unknown = options.Scenarios.Except(AllScenarios).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown scenario(s) {string.Join(", ", unknown)}; known: {string.Join(", ", AllScenarios)}.");
        }

        return options;
    }

    private BenchOptions With(IEnumerable<string>? scenarios = null, int[]? sizes = null, int? sambaSize = null, int? latencyChanges = null,
        int? provisionUsers = null, int[]? instances = null, int[]? latencies = null, bool? readAlone = null, string? output = null,
        string? sambaAddress = null, IReadOnlyDictionary<string, string?>? readerEnvironment = null, string? configDatabase = null,
        int? idleUsers = null, int? startupRuns = null, IReadOnlyDictionary<string, string?>? serviceEnvironment = null, string? published = null,
        IReadOnlyDictionary<string, string?>? startupCompare = null) => new()
        {
            Quick = Quick,
            Scenarios = scenarios?.ToHashSet() ?? Scenarios,
            OpenLdapSizes = sizes ?? OpenLdapSizes,
            SambaSize = sambaSize ?? SambaSize,
            LatencyChanges = latencyChanges ?? LatencyChanges,
            LatencyDirectorySize = LatencyDirectorySize,
            ProvisionUsers = provisionUsers ?? ProvisionUsers,
            ProvisionLatenciesMs = latencies ?? ProvisionLatenciesMs,
            ProvisionInstances = instances ?? ProvisionInstances,
            ConcurrencyPerInstance = ConcurrencyPerInstance,
            MeasureReadAlone = readAlone ?? MeasureReadAlone,
            Output = output ?? Output,
            SambaAddress = sambaAddress ?? SambaAddress,
            ReaderEnvironment = readerEnvironment ?? ReaderEnvironment,
            ConfigDatabase = configDatabase ?? ConfigDatabase,
            IdleUsers = idleUsers ?? IdleUsers,
            StartupRuns = startupRuns ?? StartupRuns,
            ServiceEnvironment = serviceEnvironment ?? ServiceEnvironment,
            PublishedDirectory = published ?? PublishedDirectory,
            StartupCompare = startupCompare ?? StartupCompare,
        };

    private static Dictionary<string, string?> KeyValue(string option, string text, IReadOnlyDictionary<string, string?> existing)
    {
        var at = text.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0)
        {
            throw new ArgumentException($"{option} needs KEY=VALUE, not '{text}'.\n{Usage}");
        }

        return new Dictionary<string, string?>(existing) { [text[..at]] = text[(at + 1)..] };
    }

    private static int Positive(string option, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
            : throw new ArgumentException($"{option} needs a whole number above 0, not '{text}'.\n{Usage}");

    private static int[] Ints(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => int.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture))];
}
