using System.Diagnostics;
using System.Globalization;
using RescueAdSync.Benchmarks.Directories;
using RescueAdSync.Benchmarks.Results;
using RescueAdSync.Benchmarks.Stack;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>
/// Scenarios 1, 2, 5 and 6 for one directory: the reader's first cycle (read everything, publish every UserChanged
/// with a broker confirm) into a sink queue; its periodic reconciliation, a full read that publishes nothing (the read
/// alone); idle cycles (time and LDAP operations); the plain RabbitMQ.Client publish baseline; the reader's peak RSS.
/// Everything is observed from outside: the reader's /metrics, the queue depth, cn=Monitor, /proc.
/// </summary>
public static class ReaderScenario
{
    private const string CycleMetric = "adsync_reader_cycle_duration_seconds";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task<(List<BenchResult> Results, ReaderFigures Figures)> RunAsync(BenchContext context, ReaderTarget target, string scenario)
    {
        var ct = context.Cancellation;
        var options = context.Options;
        var results = new List<BenchResult>();
        var n = target.Users;

        BenchContext.Log($"{target.Label}: ldapsearch baseline (best of 3)");
        var baseline = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var elapsed = await target.Baseline(ct);
            baseline = elapsed < baseline ? elapsed : baseline;
        }

        await using var broker = await BrokerAdmin.CreateAsync(context.Broker, $"read{n}", withSink: true);
        await using var stack = await BenchStack.StartAsync(broker, $"read{n}");
        await stack.ConfigureDirectoryAsync(target.Settings);
        var mapping = (await stack.CreateMappingAsync(target.GroupDn)).ToString();
        var label = $"mapping=\"{mapping}\"";
        using var counter = target.Operations?.Invoke();

        BenchContext.Log($"{target.Label}: starting the reader");
        var wall = Stopwatch.StartNew();
        var readerEnvironment = new Dictionary<string, string?>(options.ReaderEnvironment);
        if (options.MeasureReadAlone)
            readerEnvironment["Reader__ReconcileMinutes"] = "1";
        var reader = await stack.StartReaderAsync(readerEnvironment);
        BenchContext.Log($"{target.Label}: reader pid {ProcessMemory.FindPid(reader.Url)?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        var startup = wall.Elapsed;

        // Until the first cycle has published all N (its duration is the histogram's sum at count 1).
        Sample first;
        while (true)
        {
            first = await SampleAsync(reader, label, ct);
            if (first.Errors > 0)
                throw new InvalidOperationException($"The reader reported a cycle error.\n{stack.Output}");
            if (first.Count >= 1 && first.Published >= n)
                break;
            if (wall.Elapsed > TimeSpan.FromMinutes(30))
                throw new TimeoutException($"The reader published {first.Published} of {n} in 30 minutes.\n{stack.Output}");
            await Task.Delay(Poll, ct);
        }
        var queued = await broker.CountAsync();
        var wallToQueued = wall.Elapsed;
        var firstCycle = first.Sum; // idle cycles after the first add milliseconds at most
        var firstCycleStart = DateTime.UtcNow - TimeSpan.FromSeconds(firstCycle);
        var rssAfterFirst = ProcessMemory.PeakRssMb(reader.Url);
        BenchContext.Log($"{target.Label}: first cycle {firstCycle:0.000} s, {queued} messages queued");
        if (queued < n)
            throw new InvalidOperationException($"The reader reported {first.Published} published but the queue holds {queued}.");

        double? readAlone = null;
        if (options.MeasureReadAlone)
        {
            BenchContext.Log($"{target.Label}: waiting for the 1-minute reconciliation (a full read that publishes nothing)");
            readAlone = await WaitForReconciliationAsync(reader, label, first, firstCycleStart, ct);
            BenchContext.Log($"{target.Label}: reconciliation cycle {readAlone:0.000} s");
        }

        var idleCycles = options.Quick ? 3 : 5;
        var (idleSeconds, idleOps, opsDetail) = await MeasureIdleAsync(reader, label, counter, idleCycles, ct);
        var rss = ProcessMemory.PeakRssMb(reader.Url);
        // What of the RSS is the managed heap (prometheus-net's GC.GetTotalMemory gauge), to tell data from GC slack.
        var heapMb = PrometheusText.Sum(await BenchStack.GetMetricsAsync(reader, ct), "dotnet_total_memory_bytes") / (1024.0 * 1024.0);
        BenchContext.Log($"{target.Label}: idle cycle {idleSeconds * 1000:0.0} ms, {idleOps?.ToString("0.0", CultureInfo.InvariantCulture) ?? "?"} LDAP ops");

        // The state document travels to the config service at the end of every cycle that saw a directory change: its
        // PUT is part of both the first cycle and the reconciliation, and grows with the directory.
        var stateSaves = PrometheusText.HttpRoutes(await BenchStack.GetMetricsAsync(stack.Config, ct))
            .Where(r => r.Route.StartsWith("PUT ", StringComparison.Ordinal) && r.Route.Contains("reader-state", StringComparison.Ordinal))
            .Select(r => $"config {r.Route}: {r.Calls:0} calls, mean {r.MeanSeconds:0.000} s")
            .FirstOrDefault();

        var baselineSeconds = baseline.TotalSeconds;
        var is100k = n >= 100_000;
        results.Add(new BenchResult(scenario, $"{target.Label}: initial read + publish, all confirmed (first cycle)", firstCycle, "s",
            "ldapsearch -E pr=1000", baselineSeconds,
            is100k ? "≤ 30 s at 100k" : null, is100k ? firstCycle <= 30 : null));
        results.Add(new BenchResult(scenario, $"{target.Label}: reader start → {n:N0} in queue (wall, incl. .NET start {startup.TotalSeconds:0.0} s)",
            wallToQueued.TotalSeconds, "s"));
        if (readAlone is { } alone)
        {
            results.Add(new BenchResult(scenario, $"{target.Label}: directory read alone (reconciliation cycle, nothing published)", alone, "s",
                "ldapsearch -E pr=1000", baselineSeconds, is100k ? "≤ 3× ldapsearch at 100k" : null, is100k ? alone <= 3 * baselineSeconds : null,
                Notes: stateSaves is null ? null : $"includes saving the state; {stateSaves}"));
        }

        // Scenario 5: the publish part of the first cycle against the plain client publishing the same bytes.
        if (options.Scenarios.Contains("publish"))
        {
            var publishSeconds = firstCycle - (readAlone ?? 0);
            var readerRate = n / Math.Max(publishSeconds, 1e-6);
            var (body, contentType) = await broker.PeekAsync();
            await broker.PurgeAsync();
            var messages = Math.Min(n, options.Quick ? 10_000 : 20_000);
            BenchContext.Log($"{target.Label}: RabbitMQ.Client baseline, {messages:N0} confirmed publishes of {body.Length} bytes");
            var batched = await PublishBaseline.RunAsync(broker, body, contentType, messages, inFlight: 128, ct);
            await broker.PurgeAsync();
            var sequential = await PublishBaseline.RunAsync(broker, body, contentType, messages, inFlight: 1, ct);
            await broker.PurgeAsync();
            results.Add(new BenchResult("5 publish", $"{target.Label}: reader publish rate ({(readAlone is null ? "whole first cycle" : "first cycle − read alone")})",
                readerRate, "msg/s", "RabbitMQ.Client, confirms, 128 in flight", batched,
                "≥ 0.5× baseline", readerRate >= 0.5 * batched));
            results.Add(new BenchResult("5 publish", $"{target.Label}: RabbitMQ.Client, confirms, one at a time (await each)", sequential, "msg/s",
                Notes: $"{body.Length}-byte MassTransit envelope taken from the reader's own output"));
        }

        if (idleSeconds is { } idle)
        {
            results.Add(new BenchResult("2 idle poll", $"{target.Label}: idle cycle (adsync_reader_cycle_duration_seconds, mean of {idleCycles})", idle * 1000, "ms"));
        }
        if (idleOps is { } ops)
        {
            results.Add(new BenchResult("2 idle poll", $"{target.Label}: LDAP operations per idle cycle", ops, "ops", Notes: opsDetail));
        }
        if (rss is { } peak)
        {
            results.Add(new BenchResult("6 memory", $"{target.Label}: reader peak RSS (VmHWM){(rssAfterFirst is { } r1 ? $", {r1:0} MB after the first cycle" : "")}, managed heap {heapMb:0} MB at the end{GcNote(options)}", peak, "MB",
                Target: is100k ? "≤ 300 MB at 100k" : null, TargetMet: is100k ? peak <= 300 : null));
        }
        return (results, new ReaderFigures(target.Label, n, firstCycle, readAlone, idleSeconds, idleOps, rss));
    }

    private static string GcNote(BenchOptions options) =>
        options.ReaderEnvironment.Count == 0 ? "" : $" (reader env: {string.Join(", ", options.ReaderEnvironment.Select(kv => $"{kv.Key}={kv.Value}"))})";

    private sealed record Sample(double Count, double Sum, double Published, double Errors, DateTime At);

    private static async Task<Sample> SampleAsync(ServiceProcess reader, string label, CancellationToken ct)
    {
        var text = await BenchStack.GetMetricsAsync(reader, ct);
        return new Sample(
            PrometheusText.Sum(text, CycleMetric + "_count", label),
            PrometheusText.Sum(text, CycleMetric + "_sum", label),
            PrometheusText.Sum(text, "adsync_reader_messages_published_total"),
            PrometheusText.Sum(text, "adsync_reader_cycle_errors_total"),
            DateTime.UtcNow);
    }

    /// <summary>
    /// The reconciliation runs in the first cycle starting a minute after the first full read started. Wait past
    /// that, until two more cycles completed; the longest single cycle since the first is the reconciliation.
    /// </summary>
    private static async Task<double> WaitForReconciliationAsync(ServiceProcess reader, string label, Sample first, DateTime firstCycleStart, CancellationToken ct)
    {
        var due = firstCycleStart + TimeSpan.FromSeconds(62);
        var previous = first;
        double longest = 0;
        double? countAtDue = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(40);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(Poll, ct);
            var sample = await SampleAsync(reader, label, ct);
            if (sample.Count > previous.Count)
                longest = Math.Max(longest, sample.Sum - previous.Sum);
            previous = sample;
            if (sample.At >= due)
            {
                countAtDue ??= sample.Count;
                if (sample.Count >= countAtDue + 2)
                    return longest;
            }
        }
        throw new TimeoutException("No reconciliation cycle was seen.");
    }

    /// <summary>Mean idle cycle and LDAP operations per cycle, over windows aligned on cycle ends so no cycle is cut in two.</summary>
    private static async Task<(double? Seconds, double? Operations, string? Detail)> MeasureIdleAsync(ServiceProcess reader, string label,
        LdapOperationCounter? counter, int cycles, CancellationToken ct)
    {
        var start = await WaitForCycleEndAsync(reader, label, null, ct);
        var before = counter?.Snapshot();
        var end = start;
        while (end.Count < start.Count + cycles)
            end = await WaitForCycleEndAsync(reader, label, end, ct);
        var after = counter?.Snapshot();
        var done = end.Count - start.Count;
        var seconds = (end.Sum - start.Sum) / done;
        if (before is null || after is null)
            return (seconds, null, null);
        var delta = LdapOperationCounter.Delta(before, after);
        var operations = delta.Where(kv => kv.Key != "Connections").Sum(kv => kv.Value) / done;
        var detail = string.Join(", ", delta.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value / done:0.#}")));
        return (seconds, operations, detail + " per cycle");
    }

    private static async Task<Sample> WaitForCycleEndAsync(ServiceProcess reader, string label, Sample? after, CancellationToken ct)
    {
        var known = after ?? await SampleAsync(reader, label, ct);
        while (true)
        {
            await Task.Delay(Poll / 2, ct);
            var sample = await SampleAsync(reader, label, ct);
            if (sample.Count > known.Count)
                return sample;
        }
    }
}
