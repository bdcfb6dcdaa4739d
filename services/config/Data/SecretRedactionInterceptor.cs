using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using RescueAdSync.Config.Secrets;

namespace RescueAdSync.Config.Data;

/// <summary>
/// The one place that keeps secrets out of stored text: every save masks the Rescue account's secrets and every
/// directory connection's bind password in every string property of every entity written, then cuts the value to its
/// column's length (after masking, so a cut never leaves half a secret behind). Entities are masked unless listed in
/// <see cref="Unmasked"/>, so a new table or a new text column is covered without anyone remembering it.
/// ExecuteUpdate and raw SQL bypass this: they are used only for the unmasked tables.
/// </summary>
public sealed class SecretRedactionInterceptor(IServiceProvider services) : SaveChangesInterceptor
{
    /// <summary>
    /// The redactor of the secrets as last read, keyed by their encrypted form: decrypting them and building the search
    /// costs far more than the two small reads, and a save (a batch of link and history writes) happens for nearly every
    /// user provisioned. A secret changed by this or another replica changes the key, so the cache is never stale.
    /// </summary>
    private volatile CachedRedactor? cached;

    /// <summary>The entities whose text is stored as written, each with the reason.</summary>
    public static readonly IReadOnlyDictionary<Type, string> Unmasked = new Dictionary<Type, string>
    {
        [typeof(RescueAccountRow)] = "holds the secrets themselves, encrypted, and the account's settings",
        [typeof(DirectoryConnectionRow)] = "holds the bind password itself, encrypted, and the connection's settings",
        [typeof(MappingRow)] = "settings an admin wrote that the reader acts on: masking would change which group it reads",
        [typeof(TechnicianLinkRow)] = "directory ids, technician ids and states, no free text (and the hottest write path)",
        [typeof(ReaderStateRow)] = "the reader's own state document, read back by the reader to continue: masking would corrupt it",
        [typeof(ReaderStateUserRow)] = "what the reader last published per user, read back by the reader to continue: masking would corrupt it",
        [typeof(LeaseRow)] = "lease names and the instance ids that hold them",
        [typeof(AuthFailureRow)] = "client addresses and counts of failed authentications, no free text (written by one SQL statement)",
    };

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context && Written(context) is { Count: > 0 } entries)
        {
            Mask(entries, Load(context,
                context.Set<RescueAccountRow>().AsNoTracking().ToList(),
                context.Set<DirectoryConnectionRow>().AsNoTracking().Select(d => new DirectorySecrets(d.BindPasswordEncrypted, d.KeytabEncrypted)).ToList()));
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && Written(context) is { Count: > 0 } entries)
        {
            Mask(entries, Load(context,
                await context.Set<RescueAccountRow>().AsNoTracking().ToListAsync(cancellationToken),
                await context.Set<DirectoryConnectionRow>().AsNoTracking().Select(d => new DirectorySecrets(d.BindPasswordEncrypted, d.KeytabEncrypted))
                    .ToListAsync(cancellationToken)));
        }

        return result;
    }

    private static List<EntityEntry> Written(DbContext context) =>
        [.. context.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified && !Unmasked.ContainsKey(e.Metadata.ClrType))];

    /// <summary>Every stored secret, and those written in this same save.</summary>
    /// <summary>A directory connection's encrypted secrets: the bind password (Simple) and the keytab's base64 (Kerberos).</summary>
    private sealed record DirectorySecrets(string BindPasswordEncrypted, string KeytabEncrypted);

    private SecretRedactor Load(DbContext context, List<RescueAccountRow> accounts, List<DirectorySecrets> directories)
    {
        var sealedSecrets = new List<(string Encrypted, string Purpose)>();
        void AddAccount(RescueAccountRow account)
        {
            sealedSecrets.Add((account.MahPasswordEncrypted, SecretPurposes.MahPassword));
            sealedSecrets.Add((account.ServiceTokenEncrypted, SecretPurposes.ServiceToken));
            sealedSecrets.Add((account.DefaultPasswordEncrypted, SecretPurposes.DefaultPassword));
        }

        accounts.ForEach(AddAccount);
        void AddDirectory(DirectorySecrets directory)
        {
            sealedSecrets.Add((directory.BindPasswordEncrypted, SecretPurposes.BindPassword));
            sealedSecrets.Add((directory.KeytabEncrypted, SecretPurposes.Keytab));
        }

        directories.ForEach(AddDirectory);
        foreach (var entry in context.ChangeTracker.Entries<RescueAccountRow>().Where(e => e.State is EntityState.Added or EntityState.Modified))
        {
            AddAccount(entry.Entity);
        }

        foreach (var entry in context.ChangeTracker.Entries<DirectoryConnectionRow>().Where(e => e.State is EntityState.Added or EntityState.Modified))
        {
            AddDirectory(new DirectorySecrets(entry.Entity.BindPasswordEncrypted, entry.Entity.KeytabEncrypted));
        }

        // A secret not set is stored empty (a Kerberos connection has no bind password, a Simple one no keytab).
        sealedSecrets.RemoveAll(s => s.Encrypted.Length == 0);
        var key = string.Join('\n', sealedSecrets.Select(s => $"{s.Purpose}:{s.Encrypted}"));
        if (cached is { } hit && string.Equals(hit.Key, key, StringComparison.Ordinal))
        {
            return hit.Redactor;
        }

        var protector = services.GetRequiredService<SecretProtector>();
        var redactor = new SecretRedactor(sealedSecrets.Select(s => protector.Unprotect(s.Encrypted, s.Purpose)));
        cached = new CachedRedactor(key, redactor);
        return redactor;
    }

    private static void Mask(List<EntityEntry> entries, SecretRedactor redactor)
    {
        foreach (var entry in entries)
        {
            foreach (var property in entry.Properties)
            {
                if (property.CurrentValue is not string text || property.Metadata.IsKey())
                {
                    continue;
                }

                var masked = redactor.Redact(text);
                if (property.Metadata.GetMaxLength() is { } max && masked.Length > max)
                {
                    masked = masked[..max];
                }

                if (!string.Equals(masked, text, StringComparison.Ordinal))
                {
                    property.CurrentValue = masked;
                }
            }
        }
    }

    private sealed record CachedRedactor(string Key, SecretRedactor Redactor);
}
