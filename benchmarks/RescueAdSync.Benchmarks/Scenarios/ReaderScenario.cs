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
/// alone); idle polls (time and LDAP operations over the same span); the plain RabbitMQ.Client publish baseline; the
/// reader's peak RSS.
/// Everything is observed from outside: the reader's /metrics, the queue depth, cn=Monitor, /proc.
/// </summary>
public static class ReaderScenario
{
    private const string CycleMetric = "adsync_reader_cycle_duration_seconds";
    private const string PollMetric = "adsync_reader_poll_duration_seconds";
    /// <summary>
    /// Idle polls measured per size. 20 rather than the 5 of before 2026-11-27: an idle poll is a few milliseconds, so
    /// one poll that waits for a core moved a mean of 5 by tens of percent.
    /// </summary>
    private const int IdlePolls = 20;
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
        await using var stack = await BenchStack.StartAsync(broker, $"read{n}", serviceEnvironment: context.Options.ServiceEnvironment);
        await stack.ConfigureDirectoryAsync(target.Settings);
        var mapping = (await stack.CreateMappingAsync(target.GroupDn)).ToString();
        var label = $"mapping=\"{mapping}\"";
        using var counter = target.Operations?.Invoke();

        BenchContext.Log($"{target.Label}: starting the reader");
        var wall = Stopwatch.StartNew();
        var readerEnvironment = new Dictionary<string, string?>(options.ReaderEnvironment);
        if (options.MeasureReadAlone)
        {
            readerEnvironment["Reader__ReconcileMinutes"] = "1";
        }

        var reader = await stack.StartReaderAsync(readerEnvironment);
        BenchContext.Log($"{target.Label}: reader pid {ProcessMemory.FindPid(reader.Url)?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        var startup = wall.Elapsed;

        // Until the first cycle has published all N (its duration is the histogram's sum at count 1).
        Sample first;
        while (true)
        {
            first = await SampleAsync(reader, label, ct);
            if (first.Errors > 0)
            {
                throw new InvalidOperationException($"The reader reported a cycle error.\n{stack.Output}");
            }

            if (first.Count >= 1 && first.Published >= n)
            {
                break;
            }

            if (wall.Elapsed > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException($"The reader published {first.Published} of {n} in 30 minutes.\n{stack.Output}");
            }

            await Task.Delay(Poll, ct);
        }
        var queued = await broker.CountAsync();
        var wallToQueued = wall.Elapsed;
        var firstCycle = first.Sum; // idle cycles after the first add milliseconds at most
        var firstCycleStart = DateTime.UtcNow - TimeSpan.FromSeconds(firstCycle);
        var rssAfterFirst = ProcessMemory.PeakRssMb(reader.Url);
        BenchContext.Log($"{target.Label}: first cycle {firstCycle:0.000} s, {queued} messages queued");
        if (queued < n)
        {
            throw new InvalidOperationException($"The reader reported {first.Published} published but the queue holds {queued}.");
        }

        double? readAlone = null;
        if (options.MeasureReadAlone)
        {
            BenchContext.Log($"{target.Label}: waiting for the 1-minute reconciliation (a full read that publishes nothing)");
            readAlone = await WaitForReconciliationAsync(reader, label, first, firstCycleStart, ct);
            BenchContext.Log($"{target.Label}: reconciliation cycle {readAlone:0.000} s");
        }

        var idle = await MeasureIdleAsync(reader, label, counter, options.Quick ? 5 : IdlePolls, ct);
        var rss = ProcessMemory.PeakRssMb(reader.Url);
        // What of the RSS is the managed heap (prometheus-net's GC.GetTotalMemory gauge), to tell data from GC slack.
        var heapMb = PrometheusText.Sum(await BenchStack.GetMetricsAsync(reader, ct), "dotnet_total_memory_bytes") / (1024.0 * 1024.0);
        BenchContext.Log(string.Create(CultureInfo.InvariantCulture,
            $"{target.Label}: idle poll {idle.PollSeconds * 1000:0.000} ms (mapping part {idle.MappingSeconds * 1000:0.000} ms), {idle.OperationsPerPoll?.ToString("0.0", CultureInfo.InvariantCulture) ?? "?"} LDAP ops"));

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

        results.Add(new BenchResult("2 idle poll", $"{target.Label}: idle poll, whole (adsync_reader_poll_duration_seconds, mean of {idle.Polls})",
            idle.PollSeconds * 1000, "ms", Notes: Spread(idle.PollMedianSeconds, idle.PollMaxSeconds)));
        results.Add(new BenchResult("2 idle poll", $"{target.Label}: idle poll, mapping part only (adsync_reader_cycle_duration_seconds, mean of {idle.Polls})",
            idle.MappingSeconds * 1000, "ms", Notes: Spread(idle.MappingMedianSeconds, idle.MappingMaxSeconds)));
        if (idle.OperationsPerPoll is { } ops)
        {
            results.Add(new BenchResult("2 idle poll", $"{target.Label}: LDAP operations per idle poll", ops, "ops", Notes: idle.OperationsDetail));
        }
        if (rss is { } peak)
        {
            results.Add(new BenchResult("6 memory", $"{target.Label}: reader peak RSS (VmHWM){(rssAfterFirst is { } r1 ? $", {r1:0} MB after the first cycle" : "")}, managed heap {heapMb:0} MB at the end{GcNote(options)}", peak, "MB",
                Target: is100k ? "≤ 300 MB at 100k" : null, TargetMet: is100k ? peak <= 300 : null));
        }
        return (results, new ReaderFigures(target.Label, n, firstCycle, readAlone, idle, rss));
    }

    private static string Spread(double median, double max) =>
        string.Create(CultureInfo.InvariantCulture, $"median {median * 1000:0.000} ms, max {max * 1000:0.000} ms");

    private static string GcNote(BenchOptions options) =>
        options.ReaderEnvironment.Count == 0 ? "" : $" (reader env: {string.Join(", ", options.ReaderEnvironment.Select(kv => $"{kv.Key}={kv.Value}"))})";

    private sealed record Sample(double Count, double Sum, double Published, double Errors, DateTime At, double PollCount = 0, double PollSum = 0);

    private static async Task<Sample> SampleAsync(ServiceProcess reader, string label, CancellationToken ct)
    {
        var text = await BenchStack.GetMetricsAsync(reader, ct);
        return new Sample(
            PrometheusText.Sum(text, CycleMetric + "_count", label),
            PrometheusText.Sum(text, CycleMetric + "_sum", label),
            PrometheusText.Sum(text, "adsync_reader_messages_published_total"),
            PrometheusText.Sum(text, "adsync_reader_cycle_errors_total"),
            DateTime.UtcNow,
            PrometheusText.Sum(text, PollMetric + "_count"),
            PrometheusText.Sum(text, PollMetric + "_sum"));
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
            {
                longest = Math.Max(longest, sample.Sum - previous.Sum);
            }

            previous = sample;
            if (sample.At >= due)
            {
                countAtDue ??= sample.Count;
                if (sample.Count >= countAtDue + 2)
                {
                    return longest;
                }
            }
        }
        throw new TimeoutException("No reconciliation cycle was seen.");
    }

    /// <summary>
    /// Idle polls: time and LDAP operations over windows aligned on poll ends, so that no poll is cut in two and the
    /// operations (cn=Monitor, counted over the whole poll: bind, high-water mark, the mapping, unbind) and the poll
    /// time cover the same span. The mapping's own histogram ends inside the poll, so the same windows hold it whole.
    /// Right after the first cycle the window starts at the end of its poll, so that the first idle poll (the one that
    /// runs the idle path for the first time, JIT included, and follows the biggest change) is in it at every size
    /// alike, instead of in it or not by the timing of a scrape.
    /// </summary>
    private static async Task<IdleFigures> MeasureIdleAsync(ServiceProcess reader, string label, LdapOperationCounter? counter, int polls,
        CancellationToken ct)
    {
        var now = await SampleAsync(reader, label, ct);
        var start = now.PollCount == 1 && now.Count == 1 ? now : await WaitForPollEndAsync(reader, label, now, ct);
        var before = counter?.Snapshot();
        var end = start;
        var pollTimes = new List<double>();
        var mappingTimes = new List<double>();
        while (end.PollCount < start.PollCount + polls)
        {
            var next = await WaitForPollEndAsync(reader, label, end, ct);
            // Almost always one poll per window (polls are a second apart, the metrics are read every 50 ms); when a
            // window holds more, each counts with the window's mean.
            for (var i = 0; i < next.PollCount - end.PollCount; i++)
            {
                pollTimes.Add((next.PollSum - end.PollSum) / (next.PollCount - end.PollCount));
            }

            for (var i = 0; i < next.Count - end.Count; i++)
            {
                mappingTimes.Add((next.Sum - end.Sum) / (next.Count - end.Count));
            }

            end = next;
        }
        var after = counter?.Snapshot();
        var done = end.PollCount - start.PollCount;
        // Its own count: a scrape that came late (a loaded machine) may have caught the next poll's mapping already ended.
        var mappingRuns = Math.Max(1, end.Count - start.Count);
        double? operations = null;
        string? detail = null;
        if (before is not null && after is not null)
        {
            var delta = LdapOperationCounter.Delta(before, after);
            operations = delta.Where(kv => kv.Key != "Connections").Sum(kv => kv.Value) / done;
            detail = string.Join(", ", delta.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value / done:0.#}"))) + " per poll";
        }
        return new IdleFigures((int)done,
            (end.PollSum - start.PollSum) / done, Percentiles.Of(pollTimes, 50), pollTimes.Max(),
            (end.Sum - start.Sum) / mappingRuns, mappingTimes.Count == 0 ? 0 : Percentiles.Of(mappingTimes, 50), mappingTimes.DefaultIfEmpty(0).Max(),
            operations, detail);
    }

    private static async Task<Sample> WaitForPollEndAsync(ServiceProcess reader, string label, Sample? after, CancellationToken ct)
    {
        var known = after ?? await SampleAsync(reader, label, ct);
        while (true)
        {
            await Task.Delay(Poll / 2, ct);
            var sample = await SampleAsync(reader, label, ct);
            if (sample.PollCount > known.PollCount)
            {
                return sample;
            }
        }
    }
}
