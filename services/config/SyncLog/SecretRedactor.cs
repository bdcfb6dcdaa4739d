using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Secrets;

namespace RescueAdSync.Config.SyncLog;

/// <summary>
/// Last line of defence for "secrets never appear in the sync log": a caller that pastes an exception text holding
/// the token or a password gets it replaced before it is stored. This service knows the secrets, so it can check.
/// </summary>
public sealed class SecretRedactor(ConfigDbContext db, SecretProtector protector)
{
    public const string Mask = "***";

    /// <summary>Shorter values would mask ordinary words; real secrets are longer.</summary>
    private const int MinimumLength = 4;

    public async Task<Func<string?, string?>> CreateAsync(CancellationToken cancellationToken)
    {
        var secrets = new List<string>();
        if (await db.RescueAccounts.AsNoTracking().SingleOrDefaultAsync(cancellationToken) is { } account)
        {
            secrets.Add(protector.Unprotect(account.MahPasswordEncrypted, SecretPurposes.MahPassword));
            secrets.Add(protector.Unprotect(account.ServiceTokenEncrypted, SecretPurposes.ServiceToken));
            secrets.Add(protector.Unprotect(account.DefaultPasswordEncrypted, SecretPurposes.DefaultPassword));
        }

        if (await db.DirectoryConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken) is { } directory)
        {
            secrets.Add(protector.Unprotect(directory.BindPasswordEncrypted, SecretPurposes.BindPassword));
        }

        // Longest first, so a secret containing another is masked whole.
        var ordered = secrets.Where(s => s.Length >= MinimumLength).Distinct().OrderByDescending(s => s.Length).ToArray();
        return text =>
        {
            if (text is null)
            {
                return null;
            }

            foreach (var secret in ordered)
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }

            return text;
        };
    }
}
