using System.Diagnostics;
using RescueAdSync.Benchmarks.Directories;
using RescueAdSync.Benchmarks.Results;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>Runs the selected scenarios in order; one that fails is recorded with its error and the others still run.</summary>
public static class BenchRunner
{
    public static async Task<List<ScenarioRun>> RunAllAsync(BenchContext context)
    {
        var options = context.Options;
        var runs = new List<ScenarioRun>();
        var figures = new List<ReaderFigures>();
        if (options.Scenarios.Contains("read") || options.Scenarios.Contains("publish"))
        {
            foreach (var size in options.OpenLdapSizes)
            {
                runs.Add(await RunAsync($"1 read: OpenLDAP {size:N0}", async () =>
                {
                    await using var directory = await OpenLdapDirectory.CreateAsync(size, context.Cancellation);
                    BenchContext.Log($"OpenLDAP {size:N0}: slapadd took {directory.LoadTime.TotalSeconds:0.0} s");
                    var target = new ReaderTarget($"OpenLDAP {size:N0}", size,
                        new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [directory.Url], directory.AdminDn, OpenLdapDirectory.Password, OpenLdapDirectory.Suffix),
                        directory.GroupDn,
                        ct => LdapSearchBaseline.RunAsync(directory.Url, directory.AdminDn, OpenLdapDirectory.Password, OpenLdapDirectory.Suffix,
                            LdapSearchBaseline.OpenLdapFilter(directory.GroupDn), LdapSearchBaseline.OpenLdapAttributes, size, ct),
                        () => new LdapOperationCounter(directory.Url, directory.AdminDn, OpenLdapDirectory.Password));
                    var (results, figure) = await ReaderScenario.RunAsync(context, target, "1 read");
                    figures.Add(figure);
                    return results;
                }, context.Cancellation));
            }
            runs.Add(new ScenarioRun("2, 6 compared across sizes", "", "", 0, SizeComparison.Compare(figures), null));
        }
        if (options.Scenarios.Contains("samba"))
        {
            var size = options.SambaSize;
            runs.Add(await RunAsync($"1 read: Samba AD {size:N0}", async () =>
            {
                await using var directory = await SambaDirectory.CreateAsync(options.SambaAddress, size, context.Cancellation);
                BenchContext.Log($"Samba AD {size:N0}: ldapadd took {directory.LoadTime.TotalSeconds:0.0} s");
                var target = new ReaderTarget($"Samba AD {size:N0}", size,
                    new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, [directory.Url], directory.BindName, directory.Password, directory.BaseDn),
                    directory.GroupDn,
                    ct => LdapSearchBaseline.RunAsync(directory.Url, directory.BindName, directory.Password, directory.BaseDn,
                        LdapSearchBaseline.ActiveDirectoryFilter(directory.GroupDn), LdapSearchBaseline.ActiveDirectoryAttributes, size, ct),
                    Operations: null);
                return (await ReaderScenario.RunAsync(context, target, "1 read")).Results;
            }, context.Cancellation));
        }
        if (options.Scenarios.Contains("latency"))
        {
            runs.Add(await RunAsync("3 latency", () => LatencyScenario.RunAsync(context), context.Cancellation));
        }

        if (options.Scenarios.Contains("provision"))
        {
            foreach (var latency in options.ProvisionLatenciesMs)
            {
                foreach (var instances in options.ProvisionInstances)
                {
                    runs.Add(await RunAsync($"4 provision: {latency} ms, {instances}×", () => ProvisioningScenario.RunAsync(context, latency, instances), context.Cancellation));
                }
            }
        }
        if (options.Scenarios.Contains("idle-memory") || options.Scenarios.Contains("startup"))
        {
            // One synced stack for both: memory is read first, before extra instances join it.
            FootprintStack? footprint = null;
            try
            {
                if (options.Scenarios.Contains("idle-memory"))
                {
                    runs.Add(await RunAsync("7 idle memory", async () =>
                    {
                        footprint = await FootprintStack.StartAsync(context);
                        return await IdleMemoryScenario.RunAsync(context, footprint);
                    }, context.Cancellation));
                }
                if (options.Scenarios.Contains("startup"))
                {
                    runs.Add(await RunAsync("8 startup", async () =>
                    {
                        footprint ??= await FootprintStack.StartAsync(context);
                        return await StartupScenario.RunAsync(context, footprint);
                    }, context.Cancellation));
                }
            }
            finally
            {
                if (footprint is not null)
                {
                    await footprint.DisposeAsync();
                }
            }
        }
        return runs;
    }

    private static async Task<ScenarioRun> RunAsync(string name, Func<Task<List<BenchResult>>> scenario, CancellationToken ct)
    {
        var loadBefore = MachineInfo.LoadAverageNow();
        var stopwatch = Stopwatch.StartNew();
        BenchContext.Log($"=== {name} (load {loadBefore})");
        try
        {
            var results = await scenario();
            return new ScenarioRun(name, loadBefore, MachineInfo.LoadAverageNow(), stopwatch.Elapsed.TotalSeconds, results, null);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            BenchContext.Log($"{name} failed: {ex}");
            var message = ex.Message.Split('\n')[0];
            return new ScenarioRun(name, loadBefore, MachineInfo.LoadAverageNow(), stopwatch.Elapsed.TotalSeconds, [], message);
        }
    }
}
