using Microsoft.EntityFrameworkCore;

namespace RescueAdSync.Config.Data;

/// <summary>
/// One link write at a time in this process when the store is SQLite. SQLite has one writer per file: concurrent writers
/// get SQLITE_BUSY, and Microsoft.Data.Sqlite retries those after a sleep of its own, so with a few dozen provisioner
/// messages in flight most of a write's time was spent asleep (236 ms mean per link PUT at 1,000 users,
/// docs/performance.md). Queued here, the writes run back to back instead. PostgreSQL locks rows itself: no gate.
/// </summary>
public sealed class SqliteWriteGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask<IDisposable?> EnterAsync(ConfigDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        return new Releaser(_gate);
    }

    public void Dispose() => _gate.Dispose();

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
