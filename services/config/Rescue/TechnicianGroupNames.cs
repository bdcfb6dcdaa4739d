using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Secrets;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Rescue;

/// <summary>
/// Technician Group names asked of Rescue (getHierarchy_v2 on the node) and kept briefly: the admin page asks for every mapping
/// on every refresh, and a name changes rarely. A failure is kept for less time, so a Rescue that comes back is seen soon.
/// </summary>
public sealed class TechnicianGroupNames(SecretProtector protector, TimeProvider time)
{
    public static readonly TimeSpan KeepName = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan KeepProblem = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string ApiBaseUrl, long Id), (TechnicianGroupName Answer, DateTimeOffset Until)> cache = new();

    public async Task<TechnicianGroupName> GetAsync(ConfigDbContext db, RescueAccountVerifier verifier, long id, CancellationToken cancellationToken)
    {
        var account = await db.RescueAccounts.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (account is null)
        {
            return new TechnicianGroupName(id, null, "No Rescue account is stored yet.");
        }

        var key = (account.ApiBaseUrl, id);
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out var kept) && kept.Until > now)
        {
            return kept.Answer;
        }

        var token = protector.Unprotect(account.ServiceTokenEncrypted, SecretPurposes.ServiceToken);
        var verification = await verifier.VerifyTechnicianGroupAsync(account.ApiBaseUrl, token, id, cancellationToken);
        // For a Technician Group the verifier's second value is the group's name.
        var answer = verification.Succeeded
            ? new TechnicianGroupName(id, string.IsNullOrEmpty(verification.Organization) ? null : verification.Organization, null)
            : new TechnicianGroupName(id, null, verification.Problem);
        cache[key] = (answer, now + (answer.Name is null ? KeepProblem : KeepName));
        return answer;
    }
}
