using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// Every server and service process this test process started, so that none outlives it: each is
/// stopped on dispose, and whatever is still registered when the process exits (normally, on
/// SIGTERM, or through an unhandled exception) is stopped by <see cref="StopAll"/>. A SIGKILLed test
/// host cannot do this: deploy/local/cleanup.sh finds those servers by their run dirs.
/// </summary>
internal static class ServerRegistry
{
    private static readonly TimeSpan ExitBudget = TimeSpan.FromSeconds(45);
    private static readonly ConcurrentDictionary<object, Action> Running = new(ReferenceEqualityComparer.Instance);
    private static int _hooked;
    private static PosixSignalRegistration[] _signals = [];

    /// <param name="owner">The server object, used as the key.</param>
    /// <param name="emergencyStop">Stops it synchronously and quickly; must not throw.</param>
    public static void Register(object owner, Action emergencyStop)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll("process exit");
            AppDomain.CurrentDomain.UnhandledException += (_, _) => StopAll("unhandled exception");
            // The test host does not raise ProcessExit when it is sent SIGTERM (a runner's timeout,
            // Ctrl-C in CI): stop the servers on the signal, then let it end the process as usual.
            _signals = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
                .Select(signal => PosixSignalRegistration.Create(signal, context => StopAll($"signal {context.Signal}")))];
        }
        Running[owner] = emergencyStop;
    }

    public static void Unregister(object owner) => Running.TryRemove(owner, out _);

    public static void StopAll(string reason)
    {
        var stops = new List<Task>();
        foreach (var owner in Running.Keys.ToArray())
        {
            if (!Running.TryRemove(owner, out var stop))
            {
                continue;
            }

            Log($"{reason}: stopping {owner}");
            // In parallel: the whole exit must fit in the time the test runner waits for its host.
            stops.Add(Task.Run(() =>
            {
                try
                {
                    stop();
                }
                catch (Exception e)
                {
                    Log($"stopping {owner} failed: {e.Message}");
                }
            }));
        }
        if (stops.Count > 0 && !Task.WaitAll([.. stops], ExitBudget))
        {
            Log($"{reason}: not everything stopped within {ExitBudget.TotalSeconds:0} s; run deploy/local/cleanup.sh");
        }
    }

    private static void Log(string message)
    {
        var line = $"{DateTimeOffset.Now:HH:mm:ss.fff} [TestInfrastructure] {message}";
        Console.Error.WriteLine(line);
        try
        {
            Directory.CreateDirectory(RunDirectories.Root);
            File.AppendAllText(Path.Combine(RunDirectories.Root, $"exit-{Environment.ProcessId}.log"), line + "\n");
        }
        catch (IOException)
        {
        }
    }
}
