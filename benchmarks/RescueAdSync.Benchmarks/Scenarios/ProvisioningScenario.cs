using System.Diagnostics;
using MassTransit;
using RescueAdSync.Benchmarks.Directories;
using RescueAdSync.Benchmarks.Results;
using RescueAdSync.Benchmarks.Stack;
using RescueAdSync.Contracts;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>
/// Scenario 4 (and 6 for the provisioner): N new users' UserChanged published straight to RabbitMQ through
/// MassTransit, exactly as the reader publishes them, consumed by 1 or 3 provisioners against an emulator with 0 or
/// 50 ms latency; done when the provisioners' /metrics count N created. Baseline: <see cref="HttpClientBaseline"/>
/// with the provisioners' total concurrency.
/// </summary>
public static class ProvisioningScenario
{
    /// <summary>
    /// The provisioners share the partition queues by heartbeats (a few seconds after they start). The clock starts once
    /// every instance consumes its share, so the figure is the steady state, not the hand-over of partitions.
    /// </summary>
    private static async Task WaitForPartitionsSharedAsync(BenchStack stack, int instances, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        var state = "";
        while (DateTime.UtcNow < deadline)
        {
            double owned = 0;
            var settled = true;
            var parts = new List<string>();
            foreach (var provisioner in stack.Provisioners)
            {
                var text = await BenchStack.GetMetricsAsync(provisioner, ct);
                var mine = PrometheusText.Sum(text, "adsync_provisioner_partitions_owned");
                owned += mine;
                settled &= mine > 0 && PrometheusText.Sum(text, "adsync_provisioner_instances") == instances;
                parts.Add(FormattableString.Invariant($"{mine}"));
            }
            state = string.Join("+", parts);
            if (settled && owned == PartitionCount)
            {
                BenchContext.Log($"provision: partitions shared {state}");
                return;
            }
            await Task.Delay(500, ct);
        }
        throw new TimeoutException($"The provisioners did not share the {PartitionCount} partitions within 180 s (owned: {state}).\n{stack.Output}");
    }

    /// <summary>CPU seconds used so far by each process of the stack (the provisioners together) and by RabbitMQ.</summary>
    private static Dictionary<string, double> CpuSnapshot(BenchStack stack) => new(StringComparer.Ordinal)
    {
        ["provisioners"] = stack.Provisioners.Sum(p => ProcessMemory.CpuSeconds(p.Url) ?? 0),
        ["config"] = ProcessMemory.CpuSeconds(stack.Config.Url) ?? 0,
        ["emulator"] = ProcessMemory.CpuSeconds(stack.EmulatorProcess.Url) ?? 0,
        ["rabbitmq"] = ProcessMemory.FindPids("beam.smp").Sum(pid => ProcessMemory.CpuSeconds(pid) ?? 0),
        ["bench"] = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
    };

    /// <summary>The provisioners' Provisioner__Partitions: inherited from the benchmark's environment, else their default 48.</summary>
    private static readonly int PartitionCount =
        int.TryParse(Environment.GetEnvironmentVariable("Provisioner__Partitions"), out var partitions) ? partitions : 48;

    private static readonly string[] RescueMethods = ["getUser_v3", "createUser", "setUser_v2", "getHierarchy_v2", "getAccount", "getGroup"];

    public static async Task<List<BenchResult>> RunAsync(BenchContext context, int latencyMs, int instances)
    {
        var ct = context.Cancellation;
        var users = context.Options.ProvisionUsers;
        var concurrency = context.Options.ConcurrencyPerInstance * instances;
        var label = $"{users:N0} users, {latencyMs} ms API latency, {instances} provisioner{(instances > 1 ? "s" : "")}";

        double baseline;
        BenchContext.Log($"provision: HttpClient baseline, {label}, {concurrency} in flight");
        await using (var baselineBroker = await BrokerAdmin.CreateAsync(context.Broker, "provbase", withSink: false))
        await using (var baselineStack = await BenchStack.StartAsync(baselineBroker, "provbase"))
        {
            await baselineStack.Emulator.SetLatencyAsync(latencyMs);
            var emulatorCpu = ProcessMemory.CpuSeconds(baselineStack.EmulatorProcess.Url) ?? 0;
            var benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            baseline = await HttpClientBaseline.RunAsync(baselineStack.EmulatorProcess.Url, baselineStack.ServiceToken, baselineStack.TechnicianGroupId,
                BenchStack.DefaultPassword, users, concurrency, ct);
            BenchContext.Log(FormattableString.Invariant(
                $"provision: baseline {baseline:0.0} users/s; CPU: emulator {(ProcessMemory.CpuSeconds(baselineStack.EmulatorProcess.Url) ?? 0) - emulatorCpu:0.0} s, HttpClient loop {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpu:0.0} s"));
        }

        BenchContext.Log($"provision: {label}");
        await using var broker = await BrokerAdmin.CreateAsync(context.Broker, $"prov{instances}", withSink: false);
        await using var stack = await BenchStack.StartAsync(broker, $"prov{instances}", context.ConfigPostgres($"prov{instances}"), context.Options.ServiceEnvironment);
        var mapping = await stack.CreateMappingAsync("cn=bench-techs,ou=groups,dc=example,dc=org");
        await stack.Emulator.SetLatencyAsync(latencyMs);
        await stack.StartProvisionersAsync(instances);
        await broker.WaitForBindingAsync("user-changed-partitions", TimeSpan.FromSeconds(60));
        await WaitForPartitionsSharedAsync(stack, instances, ct);

        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(context.Broker.Host, (ushort)context.Broker.AmqpPort, broker.VirtualHost, h =>
            {
                h.Username(context.Broker.Username);
                h.Password(context.Broker.Password);
            });
            // As every bus of the services does (MessagingExtensions.UseUserIdRoutingKey): the partitions' hash exchange
            // routes on the user id.
            cfg.Send<UserChanged>(topology => topology.UseRoutingKeyFormatter(c => c.Message.DirectoryUserId ?? ""));
        });
        await bus.StartAsync(ct);
        var cpuBefore = CpuSnapshot(stack);
        var stopwatch = Stopwatch.StartNew();
        TimeSpan published;
        try
        {
            var now = DateTimeOffset.UtcNow;
            var correlation = Guid.NewGuid();
            foreach (var chunk in Enumerable.Range(1, users).Chunk(256))
            {
                await Task.WhenAll(chunk.Select(i => bus.Publish(new UserChanged(mapping, $"00000000-0000-4000-8000-{i:D12}", i,
                    $"User {i:D6}", OpenLdapDirectory.Email(i), UserState.Enabled, OpenLdapDirectory.UserDn(i), now, correlation), ct)));
            }
            published = stopwatch.Elapsed;
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }

        double created = 0, failed = 0;
        var deadline = TimeSpan.FromMinutes(30);
        while (true)
        {
            created = failed = 0;
            foreach (var provisioner in stack.Provisioners)
            {
                var text = await BenchStack.GetMetricsAsync(provisioner, ct);
                created += PrometheusText.Sum(text, "adsync_provisioner_operations_total", "result=\"created\"");
                failed += PrometheusText.Sum(text, "adsync_provisioner_operations_total", "result=\"failed\"");
            }
            if (created >= users)
            {
                break;
            }

            if (stopwatch.Elapsed > deadline)
            {
                throw new TimeoutException($"{created} of {users} created ({failed} failed) in {deadline.TotalMinutes} minutes.\n{stack.Output}");
            }

            await Task.Delay(200, ct);
        }
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var rate = users / elapsed;
        var cpu = CpuSnapshot(stack).Select(kv => (kv.Key, Seconds: kv.Value - cpuBefore.GetValueOrDefault(kv.Key))).ToList();
        // Where the 2 cores went during the run: when the sum nears 2 × the wall time, the run was CPU-bound.
        var cpuNote = FormattableString.Invariant($"CPU during the run ({2 * elapsed:0} core-s available): ")
            + string.Join(", ", cpu.Select(c => FormattableString.Invariant($"{c.Key} {c.Seconds:0.0} s ({c.Seconds / users * 1000:0.00} ms/user)")));

        var calls = new Dictionary<string, double>(StringComparer.Ordinal);
        double peakRss = 0, messageSeconds = 0, messages = 0, rescueSeconds = 0, rescueCalls = 0;
        foreach (var provisioner in stack.Provisioners)
        {
            var text = await BenchStack.GetMetricsAsync(provisioner, ct);
            foreach (var method in RescueMethods)
            {
                calls[method] = calls.GetValueOrDefault(method) + PrometheusText.Sum(text, "adsync_rescue_requests_total", $"method=\"{method}\"");
            }

            messageSeconds += PrometheusText.Sum(text, "adsync_provisioner_message_duration_seconds_sum");
            messages += PrometheusText.Sum(text, "adsync_provisioner_message_duration_seconds_count");
            rescueSeconds += PrometheusText.Sum(text, "adsync_rescue_request_duration_seconds_sum");
            rescueCalls += PrometheusText.Sum(text, "adsync_rescue_request_duration_seconds_count");
            peakRss = Math.Max(peakRss, ProcessMemory.PeakRssMb(provisioner.Url) ?? 0);
        }
        var perUser = string.Join(", ", calls.Where(kv => kv.Value > 0).Select(kv => FormattableString.Invariant($"{kv.Key} {kv.Value / users:0.##}")));
        // Where one message's time goes: its whole duration in the provisioner against the Rescue calls it made.
        var perMessage = messages > 0
            ? FormattableString.Invariant($"; per message {messageSeconds / messages * 1000:0} ms, of which Rescue calls {rescueSeconds / users * 1000:0} ms (mean call {rescueSeconds / Math.Max(1, rescueCalls) * 1000:0} ms)")
            : "";
        var routes = PrometheusText.HttpRoutes(await BenchStack.GetMetricsAsync(stack.Config, ct));
        var configTime = string.Join("; ", routes.Take(3).Select(r => FormattableString.Invariant($"{r.Route} {r.Calls / users:0.##}/user, mean {r.MeanSeconds * 1000:0} ms")));
        var technicians = (await stack.Emulator.GetTechniciansAsync(ct)).Count;
        BenchContext.Log($"provision: {label}: {elapsed:0.0} s, {technicians} technicians, calls per user: {perUser}{perMessage}; config service: {configTime}; {cpuNote}");
        if (technicians < users)
        {
            throw new InvalidOperationException($"The provisioners counted {created} created but the emulator holds {technicians} technicians.");
        }

        var is50x3 = latencyMs == 50 && instances == 3 && users >= 10_000;
        return
        [
            new BenchResult("4 provision", $"{label}: throughput", rate, "users/s", $"HttpClient, {concurrency} in flight", baseline,
                is50x3 ? "≥ 0.7× baseline" : null, is50x3 ? rate >= 0.7 * baseline : null,
                FormattableString.Invariant($"calls per user: {perUser}; publishing took {published.TotalSeconds:0.0} s of it; {failed} failed")),
            new BenchResult("4 provision", $"{label}: total time", elapsed, "s", Target: is50x3 ? "≤ 60 s" : null, TargetMet: is50x3 ? elapsed <= 60 : null,
                Notes: $"config service busiest routes: {configTime}{perMessage}; {cpuNote}"),
            new BenchResult("6 memory", $"{label}: provisioner peak RSS (VmHWM, largest instance)", peakRss, "MB"),
        ];
    }
}
