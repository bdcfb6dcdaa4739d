using Microsoft.EntityFrameworkCore;

namespace RescueAdSync.Config.Data;

/// <summary>The per-user history table, kept apart from the core model.</summary>
public static class HistoryModel
{
    public const int MaxName = 256;
    public const int MaxEmail = 320;
    public const int MaxLogin = 256;
    public const int MaxDistinguishedName = 1024;
    public const int MaxReason = 1000;

    public static void ConfigureHistory(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<HistoryRow>(e =>
        {
            e.ToTable("user_history");
            e.Property(x => x.Action).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.DirectoryUserId).HasMaxLength(128);
            e.Property(x => x.DisplayName).HasMaxLength(MaxName);
            e.Property(x => x.Email).HasMaxLength(MaxEmail);
            e.Property(x => x.Login).HasMaxLength(MaxLogin);
            e.Property(x => x.DistinguishedName).HasMaxLength(MaxDistinguishedName);
            e.Property(x => x.Reason).HasMaxLength(MaxReason);
            e.Property(x => x.NameBefore).HasMaxLength(MaxName);
            e.Property(x => x.EmailBefore).HasMaxLength(MaxEmail);
            e.Property(x => x.TraceId).HasMaxLength(32);
            // Retention deletes by time; one user's timeline is read by id.
            e.HasIndex(x => x.Time);
            e.HasIndex(x => new { x.DirectoryUserId, x.Time });
        });
    }
}
