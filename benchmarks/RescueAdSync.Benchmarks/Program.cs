using RescueAdSync.Benchmarks;
using RescueAdSync.Benchmarks.Results;
using RescueAdSync.Benchmarks.Scenarios;
using RescueAdSync.TestInfrastructure;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Let the scenarios unwind and stop their servers instead of dying with them still running.
    e.Cancel = true;
    cancel.Cancel();
};

var startedAt = DateTimeOffset.Now;
var machine = MachineInfo.Read();
BenchContext.Log($"{machine.Cpu}, {machine.Cores} cores, {machine.MemoryMb} MB, load {machine.LoadAverage}; sizes {string.Join('/', options.OpenLdapSizes)}");
await using var broker = await RabbitMqBroker.StartAsync(cancel.Token);
await RescueAdSync.Benchmarks.Stack.BrokerAdmin.WaitForManagementAsync(broker, cancel.Token);
await using var postgres = options.ConfigDatabase == "postgres" ? await PostgresServer.StartAsync(cancel.Token) : null;
var context = new BenchContext(options, broker, cancel.Token, postgres);
var runs = await BenchRunner.RunAllAsync(context);

var report = new BenchReport(startedAt, machine, "deploy/local/bench.sh " + string.Join(' ', args), options.Quick, runs);
var output = Path.IsPathRooted(options.Output) ? options.Output : Path.Combine(RepoPaths.Root, options.Output);
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, report.ToJson());
Console.WriteLine();
Console.WriteLine($"Machine: {machine.Cpu}, {machine.Cores} cores, {machine.MemoryMb} MB, {machine.Os}, {machine.Runtime}; load at start {machine.LoadAverage}");
Console.WriteLine();
Console.WriteLine(report.ToTable());
Console.WriteLine($"JSON: {output}");
return runs.Any(r => r.Error is not null) ? 1 : 0;
