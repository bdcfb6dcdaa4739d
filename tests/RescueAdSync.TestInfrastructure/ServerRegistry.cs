using System.Collections.Concurrent;

namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// Every server and service process this test process started, so that none outlives it: each is
/// stopped on dispose, and whatever is still registered when the process exits (normally, on
/// SIGTERM, or through an unhandled exception) is stopped by <see cref="StopAll"/>.
/// </summary>
internal static class ServerRegistry
{
    private static readonly ConcurrentDictionary<object, Action> Running = new(ReferenceEqualityComparer.Instance);
    private static int _hooked;

    /// <param name="owner">The server object, used as the key.</param>
    /// <param name="emergencyStop">Stops it synchronously and quickly; must not throw.</param>
    public static void Register(object owner, Action emergencyStop)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
            AppDomain.CurrentDomain.UnhandledException += (_, _) => StopAll();
        }
        Running[owner] = emergencyStop;
    }

    public static void Unregister(object owner) => Running.TryRemove(owner, out _);

    public static void StopAll()
    {
        foreach (var owner in Running.Keys.ToArray())
        {
            if (!Running.TryRemove(owner, out var stop))
                continue;
            try
            {
                stop();
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"[TestInfrastructure] stopping {owner} at exit failed: {e.Message}");
            }
        }
    }
}
