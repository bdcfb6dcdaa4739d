using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace RescueAdSync.Config.Data;

/// <summary>Recognises "a unique key was taken" per provider, so that only that becomes a 409 and real failures stay 500s.</summary>
public static class UniqueViolation
{
    private const int SqliteConstraint = 19;

    public static bool Is(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>Also for ExecuteUpdate/ExecuteDelete, which throw the provider's exception without a DbUpdateException around it.</summary>
    public static bool IsAny(Exception exception) => exception switch
    {
        DbUpdateException update => Is(update),
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => exception.InnerException is { } inner && IsAny(inner),
    };
}
