using System.Text;
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
    /// <paramref name="noRows"/>: the state has no user rows yet (created or carried in this transaction): the users are
    /// inserted many to a statement, without looking anything up or tracking them (a first write of 100,000 users).
    /// </summary>
    public static async Task UpsertAsync(ConfigDbContext db, Guid mappingId, long revision, IReadOnlyList<ReaderStateUser> users,
        bool noRows, CancellationToken cancellationToken)
    {
        if (noRows)
        {
            await InsertAsync(db, mappingId, revision, users, cancellationToken);
            return;
        }

        foreach (var chunk in users.Chunk(Chunk))
        {
            var ids = chunk.Select(u => u.Id).ToList();
            var existing = await db.ReaderStateUsers.Where(u => u.MappingId == mappingId && ids.Contains(u.UserId))
                .ToDictionaryAsync(u => u.UserId, StringComparer.Ordinal, cancellationToken);
            foreach (var user in chunk)
            {
                if (!existing.TryGetValue(user.Id, out var row))
                {
                    row = new ReaderStateUserRow
                    {
                        MappingId = mappingId,
                        UserId = user.Id,
                        DisplayName = user.DisplayName,
                        Email = user.Email,
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

    /// <summary>Rows per INSERT statement: 8 parameters each, well below SQLite's and PostgreSQL's parameter limits.</summary>
    private const int RowsPerInsert = 500;

    /// <summary>
    /// Multi-row INSERTs, parameterized. The table holds no secrets (<see cref="SecretRedactionInterceptor.Unmasked"/>), so
    /// bypassing SaveChanges bypasses nothing it must pass.
    /// </summary>
    private static async Task InsertAsync(ConfigDbContext db, Guid mappingId, long revision, IReadOnlyList<ReaderStateUser> users,
        CancellationToken cancellationToken)
    {
        // As EF Core stores a Guid on each provider: uppercase text on SQLite, uuid on PostgreSQL.
        object mapping = db.Database.IsSqlite() ? mappingId.ToString().ToUpperInvariant() : mappingId;
        foreach (var chunk in users.Chunk(RowsPerInsert))
        {
            var sql = new StringBuilder(
                "INSERT INTO reader_state_user (\"MappingId\", \"UserId\", \"DisplayName\", \"Email\", \"DistinguishedName\", \"State\", \"Version\", \"Revision\") VALUES ");
            var parameters = new object[chunk.Length * 8];
            for (var i = 0; i < chunk.Length; i++)
            {
                var user = chunk[i];
                var p = i * 8;
                sql.Append(i == 0 ? "(" : ", (");
                for (var c = 0; c < 8; c++)
                {
                    sql.Append(c == 0 ? "{" : ", {").Append(p + c).Append('}');
                }

                sql.Append(')');
                parameters[p] = mapping;
                parameters[p + 1] = user.Id;
                parameters[p + 2] = user.DisplayName;
                parameters[p + 3] = user.Email;
                parameters[p + 4] = user.DistinguishedName;
                parameters[p + 5] = user.State.ToString();
                parameters[p + 6] = user.Version;
                parameters[p + 7] = revision;
            }

            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
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
