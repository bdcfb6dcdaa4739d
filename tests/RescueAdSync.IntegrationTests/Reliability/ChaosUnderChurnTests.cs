using System.Diagnostics;
using System.Globalization;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Chaos under churn, nightly: the directory changes all the time (<see cref="DirectoryChangeStream.ChurnAsync"/>) while a
/// seeded schedule injects a fault every 5–20 s: SIGKILL or stop of the config service, the ad-reader or one of three
/// provisioners, of one node of a three-node RabbitMQ cluster, a slapd outage, Rescue 5xx and 429 bursts and connection
/// resets. Each fault heals before the next one starts. At the end the emulator must match the directory (nothing lost,
/// one technician per email, none deleted) and the error queue must be empty.
/// <para>
/// <c>ADSYNC_CHAOS_MINUTES</c> sets the length (default 15); <c>ADSYNC_CHAOS_SEED</c> replays a run's seed, which the
/// output prints first: the same seed gives the same faults, targets, outages and gaps.
/// </para>
/// </summary>
[Collection(SlapdCollection.Name)]
[Trait(Nightly.Trait, Nightly.Value)]
public sealed class ChaosUnderChurnTests(RabbitMqClusterFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqClusterFixture>
{
    public const string MinutesVariable = "ADSYNC_CHAOS_MINUTES";
    public const string SeedVariable = "ADSYNC_CHAOS_SEED";

    /// <summary>One directory change every 500 ms, the soak's rate.</summary>
    private static readonly TimeSpan ChangeInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// After the churn and the last fault: a change whose Rescue call failed three times sits 240 s in the third wait
    /// queue (Provisioner:RedeliveryDelaysSeconds 15, 60, 240, …) before it is tried again.
    /// </summary>
    private static readonly TimeSpan ConvergeTimeout = TimeSpan.FromMinutes(6);

    private static readonly int[] ServerErrors = [500, 502, 503];

    [Fact]
    public async Task Random_faults_every_5_to_20_s_under_continuous_directory_churn_lose_duplicate_and_delete_nothing()
    {
        var duration = Duration();
        var seed = Seed();
        output.WriteLine($"Seed {seed}, {duration.TotalMinutes:0.##} min of faults (replay: {SeedVariable}={seed} {MinutesVariable}={duration.TotalMinutes:0.##})");
        var total = Stopwatch.StartNew();

        await using var slapd = await SlapdServer.StartAsync();
        await using var stream = await DirectoryChangeStream.StartAsync(slapd, rabbit.Broker, "chaos", serviceEnvironment: rabbit.ServiceEnvironment);
        var stack = stream.Stack;
        await stack.StartReplicaAsync("provisioner");
        await stack.StartReplicaAsync("provisioner");
        await stream.AllowChurnPastTheRelativeGuardAsync();
        var catalogue = Catalogue(stack, slapd, rabbit.Cluster);
        output.WriteLine($"Stack ready after {total.Elapsed.TotalSeconds:0} s; {catalogue.Count} kinds of fault");

        var byKind = catalogue.ToDictionary(f => f.Kind, _ => 0);
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var churn = stream.ChurnAsync(new Random(seed), ChangeInterval, stop.Token);
        try
        {
            foreach (var step in ChaosSchedule.Plan(seed, catalogue))
            {
                var start = clock.Elapsed;
                if (start >= duration || churn.IsCompleted)
                {
                    break;
                }

                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss} +{start:mm\\:ss} {step}");
                await step.Fault.RunAsync(step.Target, step.Outage);
                byKind[step.Fault.Kind]++;
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss} +{clock.Elapsed:mm\\:ss}      whole again after {(clock.Elapsed - start).TotalSeconds:0.0} s");
                // The next fault starts its gap after this one started, or at once if healing took longer.
                var wait = Min(start + step.Gap, duration) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
        }
        var changes = await churn;
        await stack.Emulator.ClearFaultsAsync();
        var churnEnded = clock.Elapsed;

        var converge = Stopwatch.StartNew();
        try
        {
            await stream.WaitUntilConvergedAsync(ConvergeTimeout, "the end of the churn");
        }
        catch
        {
            await PrintDiagnosticsAsync(stream);
            throw;
        }
        converge.Stop();
        await stack.WaitForRescueQuietAsync(DirectoryChangeStream.QuietPeriod, "after the churn converged");
        await stream.AssertMatchesDirectoryAsync();
        var errors = await rabbit.Cluster.GetMessageCountAsync(stack.VirtualHost, "user-changed_error");
        var technicians = (await stack.Emulator.GetTechniciansAsync()).Count;

        output.WriteLine($"Seed {seed}: {byKind.Values.Sum()} faults and {changes} directory changes in {churnEnded.TotalSeconds:0} s; " +
            $"converged {converge.Elapsed.TotalSeconds:0.0} s after the churn ended; {technicians} technicians, matching the directory; " +
            $"{errors} in user-changed_error; {HomeNodeDownLines(stack)} provisioner log lines with 'NOT_FOUND - home node'; " +
            $"whole test {total.Elapsed.TotalSeconds:0} s");
        foreach (var (kind, count) in byKind)
        {
            output.WriteLine($"  {kind,-24} {count}");
        }

        Assert.True(errors == 0, $"{errors} messages in user-changed_error\n{stack.Output}");
    }

    /// <summary>
    /// What a failed run needs to be understood: where messages wait (and whether anything consumes there), how often a
    /// provisioner met a queue whose home node was down, and every change of the churn.
    /// </summary>
    private async Task PrintDiagnosticsAsync(DirectoryChangeStream stream)
    {
        var queues = await rabbit.Cluster.GetQueueDepthsAsync(stream.Stack.VirtualHost);
        output.WriteLine("Queues holding messages or without a consumer:");
        foreach (var queue in queues.Where(q => q.Messages > 0 || q.Consumers == 0))
        {
            output.WriteLine($"  {queue.Name} ({queue.Type}): {queue.Messages} messages, {queue.Consumers} consumers");
        }

        output.WriteLine($"Provisioner log lines with 'NOT_FOUND - home node': {HomeNodeDownLines(stream.Stack)}");
        output.WriteLine("Churn:");
        foreach (var change in stream.ChurnLog)
        {
            output.WriteLine($"  {change}");
        }
    }

    /// <summary>The kinds of fault, each healing itself before it returns. The order is part of what a seed replays.</summary>
    private static List<ChaosFault> Catalogue(SyncStack stack, SlapdServer slapd, RabbitMqCluster cluster)
    {
        var config = stack.Service("config");
        var reader = stack.Service("ad-reader");
        var provisioners = stack.Replicas("provisioner");
        return
        [
            Kill("config", [config]),
            Stop("config", [config]),
            Kill("ad-reader", [reader]),
            Stop("ad-reader", [reader]),
            Kill("provisioner", provisioners),
            Stop("provisioner", provisioners),
            new("kill -9 rabbitmq node", cluster.Count, n => $"node {n + 1} {cluster.NodeName(n + 1)}", async (n, outage) =>
            {
                await cluster.KillNodeAsync(n + 1);
                await Task.Delay(outage);
                await cluster.StartNodeAsync(n + 1);
            }),
            new("stop rabbitmq node", cluster.Count, n => $"node {n + 1} {cluster.NodeName(n + 1)}", async (n, outage) =>
            {
                await cluster.StopNodeAsync(n + 1);
                await Task.Delay(outage);
                await cluster.StartNodeAsync(n + 1);
            }),
            new("stop slapd", 1, _ => slapd.Url, async (_, outage) =>
            {
                await slapd.StopAsync();
                await Task.Delay(outage);
                await slapd.StartAgainAsync();
            }),
            new("rescue 5xx burst", ServerErrors.Length, n => $"HTTP {ServerErrors[n]}, Retry-After 1", async (n, outage) =>
            {
                await stack.InjectHttpFaultForAsync(ServerErrors[n], retryAfterSeconds: 1, outage);
                await Task.Delay(outage);
            }),
            new("rescue 429 burst", 1, _ => "HTTP 429, Retry-After 2", async (_, outage) =>
            {
                await stack.InjectHttpFaultForAsync(429, retryAfterSeconds: 2, outage);
                await Task.Delay(outage);
            }),
            // Two resets per second of outage: the next calls, whenever they come, get no answer at all.
            new("rescue connection resets", 1, _ => "next calls reset", async (_, outage) =>
            {
                await stack.InjectConnectionResetsAsync((int)Math.Ceiling(outage.TotalSeconds * 2));
                await Task.Delay(outage);
            }),
        ];
    }

    /// <summary>How often a provisioner met a queue whose home node was down (the classic-queue defect of a cluster).</summary>
    private static int HomeNodeDownLines(SyncStack stack) => stack.Replicas("provisioner")
        .Sum(p => p.Output.Split('\n').Count(l => l.Contains("NOT_FOUND - home node", StringComparison.Ordinal)));

    private static ChaosFault Kill(string role, IReadOnlyList<ServiceProcess> processes) =>
        new($"kill -9 {role}", processes.Count, n => processes[n].Name, async (n, outage) =>
        {
            processes[n].Kill();
            await Task.Delay(outage);
            await processes[n].StartAgainAsync();
        });

    private static ChaosFault Stop(string role, IReadOnlyList<ServiceProcess> processes) =>
        new($"stop {role}", processes.Count, n => processes[n].Name, async (n, outage) =>
        {
            await processes[n].StopAsync();
            await Task.Delay(outage);
            await processes[n].StartAgainAsync();
        });

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Duration()
    {
        var text = Environment.GetEnvironmentVariable(MinutesVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return TimeSpan.FromMinutes(15);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes) && minutes > 0 && minutes <= 24 * 60
            ? TimeSpan.FromMinutes(minutes)
            : throw new ArgumentException($"{MinutesVariable} must be a number of minutes above 0 and at most 1440, not '{text}'.");
    }

    private static int Seed()
    {
        var text = Environment.GetEnvironmentVariable(SeedVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Random.Shared.Next();
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : throw new ArgumentException($"{SeedVariable} must be a whole number (a seed printed by an earlier run), not '{text}'.");
    }
}
