using Microsoft.EntityFrameworkCore;

namespace RescueAdSync.Config.Data;

/// <summary>The previews table, kept apart from the core model.</summary>
public static class PreviewsModel
{
    public static void ConfigurePreviews(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PreviewRow>(e =>
        {
            e.ToTable("preview");
            e.Property(x => x.Id).ValueGeneratedNever();
            // A deleted mapping has nothing left to preview.
            e.HasOne<MappingRow>().WithMany().HasForeignKey(x => x.MappingId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.RequestedBy).HasMaxLength(200);
            e.Property(x => x.Error).HasMaxLength(2000);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.HasIndex(x => x.Status);
            e.HasIndex(x => x.ExpiresAt);
        });
    }
}
