using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Data;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.ReaderStates;

/// <summary>Writes of a mapping's known users as rows, and the one-time carry of a state stored as one document.</summary>
public static class ReaderStateRows
{
    /// <summary>Rows written per SaveChanges: the change tracker stays small however many users one write carries.</summary>
    private const int Chunk = 1000;

    /// <summary>
    /// Carries the users of a state stored as one document into rows, in one transaction, once: the document keeps
    /// everything else, the ETag stays (the state is the same). Does nothing when the state is already in rows, absent,
    /// or carried meanwhile by a concurrent request.
    /// </summary>
    /// <remarks>
    /// Not cancelled with the request: at 100,000 users it may outlast a client's timeout, and a carry cancelled every
    /// time would be started again by every read.
    /// </remarks>
    /// <exception cref="System.Text.Json.JsonException">The stored document is not a readable reader state.</exception>
    public static async Task CarryDocumentAsync(ConfigDbContext db, Guid mappingId)
    {
        var cancellationToken = CancellationToken.None;
        var document = await db.ReaderStates.AsNoTracking().Where(s => s.MappingId == mappingId && !s.UsersInRows)
            .Select(s => s.Document).SingleOrDefaultAsync(cancellationToken);
        if (document is null)
        {
            return;
        }

        var (head, users) = LegacyReaderStateDocument.Split(document);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Claims the carry first: a concurrent request waits here, then finds it done and writes nothing.
        var claimed = await db.ReaderStates.Where(s => s.MappingId == mappingId && !s.UsersInRows)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Document, head).SetProperty(s => s.UsersInRows, true), cancellationToken);
        if (claimed == 0)
        {
            return;
        }

        var revision = await db.ReaderStates.Where(s => s.MappingId == mappingId).Select(s => s.Revision).SingleAsync(cancellationToken);
        await UpsertAsync(db, mappingId, revision, users, noRows: true, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Inserts or replaces <paramref name="users"/> by id, stamped with <paramref name="revision"/>.
    /// <paramref name="noRows"/>: the state has no user rows yet (created or carried in this transaction), so nothing
    /// needs to be looked up.
    /// </summary>
    public static async Task UpsertAsync(ConfigDbContext db, Guid mappingId, long revision, IReadOnlyList<ReaderStateUser> users,
        bool noRows, CancellationToken cancellationToken)
    {
        foreach (var chunk in users.Chunk(Chunk))
        {
            var ids = chunk.Select(u => u.Id).ToList();
            var existing = noRows
                ? []
                : await db.ReaderStateUsers.Where(u => u.MappingId == mappingId && ids.Contains(u.UserId))
                    .ToDictionaryAsync(u => u.UserId, StringComparer.Ordinal, cancellationToken);
            foreach (var user in chunk)
            {
                if (!existing.TryGetValue(user.Id, out var row))
                {
                    row = new ReaderStateUserRow
                    {
                        MappingId = mappingId, UserId = user.Id, DisplayName = user.DisplayName, Email = user.Email,
                        DistinguishedName = user.DistinguishedName,
                    };
                    db.ReaderStateUsers.Add(row);
                }

                row.DisplayName = user.DisplayName;
                row.Email = user.Email;
                row.DistinguishedName = user.DistinguishedName;
                row.State = user.State;
                row.Version = user.Version;
                row.Revision = revision;
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }

    public static async Task RemoveAsync(ConfigDbContext db, Guid mappingId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        foreach (var chunk in ids.Chunk(Chunk))
        {
            var list = chunk.ToList();
            await db.ReaderStateUsers.Where(u => u.MappingId == mappingId && list.Contains(u.UserId)).ExecuteDeleteAsync(cancellationToken);
        }
    }

    public static ReaderStateUser ToContract(ReaderStateUserRow row) =>
        new(row.UserId, row.DisplayName, row.Email, row.DistinguishedName, row.State, row.Version);
}
