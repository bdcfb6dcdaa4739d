using Microsoft.EntityFrameworkCore;

namespace RescueAdSync.Config.Data;

/// <summary>The tables of the operator operations (mass-change guard plans), kept apart from the core model.</summary>
public static class OperationsModel
{
    /// <summary>The statuses of an open plan, as the filter of the unique index on a mapping's open plan.</summary>
    public const string OpenPlanFilter = "\"Status\" IN ('Held', 'Approved')";

    public static void ConfigureOperations(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<HeldPlanRow>(e =>
        {
            e.ToTable("held_plan");
            e.Property(x => x.Id).ValueGeneratedNever();
            // A deleted mapping has nothing left to hold.
            e.HasOne<MappingRow>().WithMany().HasForeignKey(x => x.MappingId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Reason).HasMaxLength(1000);
            e.Property(x => x.DecidedBy).HasMaxLength(200);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.HasIndex(x => new { x.MappingId, x.Status });
            // At most one open (Held or Approved) plan per mapping, kept by the database: concurrent holds of one mapping
            // cannot both insert, whatever the timing. The same filter text works on SQLite and PostgreSQL.
            e.HasIndex(x => x.MappingId, "IX_held_plan_MappingId_open").IsUnique().HasFilter(OpenPlanFilter);
            e.HasIndex(x => x.CreatedAt);
        });

        modelBuilder.Entity<ResyncRequestRow>(e =>
        {
            e.ToTable("resync_request");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasOne<MappingRow>().WithMany().HasForeignKey(x => x.MappingId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.RequestedBy).HasMaxLength(200);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.HasIndex(x => new { x.MappingId, x.Status });
        });

        modelBuilder.Entity<ProvisionRequestRow>(e =>
        {
            e.ToTable("provision_request");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasOne<MappingRow>().WithMany().HasForeignKey(x => x.MappingId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.User).HasMaxLength(1024);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.RequestedBy).HasMaxLength(200);
            e.Property(x => x.DirectoryUserId).HasMaxLength(200);
            e.Property(x => x.Outcome).HasMaxLength(32);
            e.Property(x => x.Error).HasMaxLength(2000);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.HasIndex(x => new { x.MappingId, x.Status });
        });
    }
}
