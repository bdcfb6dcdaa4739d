using Microsoft.EntityFrameworkCore;

namespace RescueAdSync.Config.Data;

/// <summary>
/// The model shared by both providers. Each provider has its own subclass, so each has its own migration set
/// (one migration set for two providers produces wrong types on one of them).
/// </summary>
public abstract class ConfigDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<RescueAccountRow> RescueAccounts => Set<RescueAccountRow>();

    public DbSet<DirectoryConnectionRow> DirectoryConnections => Set<DirectoryConnectionRow>();

    public DbSet<MappingRow> Mappings => Set<MappingRow>();

    public DbSet<TechnicianLinkRow> Links => Set<TechnicianLinkRow>();

    public DbSet<SyncLogRow> SyncLog => Set<SyncLogRow>();

    public DbSet<ReaderStateRow> ReaderStates => Set<ReaderStateRow>();

    public DbSet<ReaderStateUserRow> ReaderStateUsers => Set<ReaderStateUserRow>();

    public DbSet<LeaseRow> Leases => Set<LeaseRow>();

    public DbSet<HeldPlanRow> HeldPlans => Set<HeldPlanRow>();

    public DbSet<ResyncRequestRow> ResyncRequests => Set<ResyncRequestRow>();

    public DbSet<ProvisionRequestRow> ProvisionRequests => Set<ProvisionRequestRow>();

    public DbSet<PreviewRow> Previews => Set<PreviewRow>();

    public DbSet<HistoryRow> History => Set<HistoryRow>();

    public DbSet<AuthFailureRow> AuthFailures => Set<AuthFailureRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RescueAccountRow>(e =>
        {
            e.ToTable("rescue_account");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.ApiBaseUrl).HasMaxLength(2048);
            e.Property(x => x.MahEmail).HasMaxLength(320);
            e.Property(x => x.Revision).IsConcurrencyToken();
        });

        modelBuilder.Entity<DirectoryConnectionRow>(e =>
        {
            e.ToTable("directory_connection");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.BindDn).HasMaxLength(1024);
            e.Property(x => x.BaseDn).HasMaxLength(1024);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.Property(x => x.Name).HasMaxLength(63);
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.TlsMode).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.CaBundlePem).HasMaxLength(65536);
            e.Property(x => x.DisabledAttribute).HasMaxLength(64);
            e.Property(x => x.Domain).HasMaxLength(253);
            e.Property(x => x.Site).HasMaxLength(63);
            e.Property(x => x.DnsServer).HasMaxLength(64);
            e.Property(x => x.Auth).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.KerberosPrincipal).HasMaxLength(256);
        });

        modelBuilder.Entity<MappingRow>(e =>
        {
            e.ToTable("mapping");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.SourceGroupDn).HasMaxLength(1024);
            e.Property(x => x.SourceGroupDnKey).HasMaxLength(1024);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.Property(x => x.Directory).HasMaxLength(63);
            // One group per directory feeds one Technician Group; the same DN may exist in two directories.
            e.HasIndex(x => new { x.Directory, x.SourceGroupDnKey }).IsUnique();
            e.Property(x => x.NameAttribute).HasMaxLength(64);
            e.Property(x => x.EmailAttribute).HasMaxLength(64);
            e.HasIndex(x => x.Priority).IsUnique();
        });

        modelBuilder.Entity<TechnicianLinkRow>(e =>
        {
            e.ToTable("technician_link");
            e.HasKey(x => x.DirectoryUserId);
            e.Property(x => x.DirectoryUserId).HasMaxLength(128);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(32);
            e.HasIndex(x => x.MappingId);
            // One technician belongs to one user: the claim that stops two users taking the same (empty) technician.
            e.HasIndex(x => x.TechnicianNodeId).IsUnique();
        });

        modelBuilder.Entity<SyncLogRow>(e =>
        {
            e.ToTable("sync_log");
            e.Property(x => x.Level).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.Operation).HasMaxLength(128);
            e.Property(x => x.Message).HasMaxLength(4000);
            e.Property(x => x.DirectoryUserId).HasMaxLength(128);
            e.Property(x => x.DisplayName).HasMaxLength(HistoryModel.MaxName);
            e.Property(x => x.Email).HasMaxLength(HistoryModel.MaxEmail);
            e.Property(x => x.ErrorCode).HasMaxLength(128);
            e.Property(x => x.TraceId).HasMaxLength(32);
            e.HasIndex(x => x.Time);
            e.HasIndex(x => new { x.MappingId, x.Time });
            e.HasIndex(x => new { x.DirectoryUserId, x.Time });
        });

        modelBuilder.Entity<ReaderStateRow>(e =>
        {
            e.ToTable("reader_state");
            e.HasKey(x => x.MappingId);
            // A deleted mapping takes its state along: a mapping created later for the same group starts with a full read.
            e.HasOne<MappingRow>().WithOne().HasForeignKey<ReaderStateRow>(x => x.MappingId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.DirectoryVersion).HasMaxLength(256);
            e.Property(x => x.ConcurrencyStamp).HasMaxLength(32).IsConcurrencyToken();
        });

        modelBuilder.Entity<ReaderStateUserRow>(e =>
        {
            e.ToTable("reader_state_user");
            // The key is also the order of the paged read (keyset on the id).
            e.HasKey(x => new { x.MappingId, x.UserId });
            e.Property(x => x.UserId).HasMaxLength(ReaderStateUserRow.MaxId);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            // Deleting the state (an admin's reset, or the mapping's deletion) deletes its users.
            e.HasOne<ReaderStateRow>().WithMany().HasForeignKey(x => x.MappingId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<LeaseRow>(e =>
        {
            e.ToTable("lease");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Holder).HasMaxLength(200);
        });

        modelBuilder.Entity<AuthFailureRow>(e =>
        {
            e.ToTable("auth_failure");
            e.HasKey(x => x.Client);
            e.Property(x => x.Client).HasMaxLength(AuthFailureRow.MaxClientLength);
            e.HasIndex(x => x.WindowStart);
        });

        modelBuilder.ConfigureOperations();
        modelBuilder.ConfigurePreviews();
        modelBuilder.ConfigureHistory();
    }
}
