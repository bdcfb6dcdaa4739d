using RescueAdSync.Config.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Rescue;
using RescueAdSync.Config.Secrets;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>The Rescue account: admins write it and see it masked; only the provisioner reads the secrets back.</summary>
public static class RescueAccountApi
{
    public static RouteGroupBuilder MapRescueAccountApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/rescue-account").WithTags("Rescue account");
        group.MapGet("/", GetAsync).RequireRoles(Roles.Admin);
        group.MapPut("/", PutAsync).RequireRoles(Roles.Admin);
        group.MapGet("/credentials", GetCredentialsAsync).RequireRoles(Roles.Provisioner).NoStore();
        return group;
    }

    public static async Task<Results<Ok<RescueAccountView>, StatusCodeHttpResult, NotFound>> GetAsync(
        ConfigDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await db.RescueAccounts.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        var etag = ETags.FromRevision(row.Revision);
        ETags.Set(http.Response, etag);
        return ETags.NotModified(http.Request, etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Ok(ToView(row));
    }

    public static async Task<Results<Ok<RescueAccountView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        RescueAccountSettings settings, ConfigDbContext db, SecretProtector protector, RescueAccountVerifier verifier, TimeProvider time,
        HttpContext http, CancellationToken cancellationToken, ConfigChangeNotifier? notifier = null)
    {
        var row = await db.RescueAccounts.SingleOrDefaultAsync(cancellationToken);
        if (ETags.PreconditionFails(http.Request, row is null ? null : ETags.FromRevision(row.Revision)))
        {
            return ETags.PreconditionFailed();
        }

        var errors = SettingsValidator.Validate(settings, secretsStored: row is not null);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        // The token that will be in force: the submitted one, else the stored one (an empty secret keeps it).
        var token = string.IsNullOrEmpty(settings.ServiceToken) && row is not null
            ? protector.Unprotect(row.ServiceTokenEncrypted, SecretPurposes.ServiceToken)
            : settings.ServiceToken;
        var verification = await verifier.VerifyAsync(settings.ApiBaseUrl.Trim(), token, cancellationToken);
        if (!verification.Succeeded)
        {
            return verification.ToRefusal("The Rescue account could not be verified; nothing was stored.");
        }

        if (await CheckMappingsAsync(settings.ApiBaseUrl.Trim(), token, db, verifier, cancellationToken) is { } mappingsRefused)
        {
            return mappingsRefused;
        }

        if (row is null)
        {
            row = new RescueAccountRow
            {
                ApiBaseUrl = "",
                MahEmail = "",
                MahPasswordEncrypted = "",
                ServiceTokenEncrypted = "",
                DefaultPasswordEncrypted = "",
            };
            db.RescueAccounts.Add(row);
        }

        row.ApiBaseUrl = settings.ApiBaseUrl.Trim();
        row.MahEmail = settings.MahEmail.Trim();
        row.MahPasswordEncrypted = Encrypt(protector, settings.MahPassword, SecretPurposes.MahPassword, row.MahPasswordEncrypted);
        row.ServiceTokenEncrypted = Encrypt(protector, settings.ServiceToken, SecretPurposes.ServiceToken, row.ServiceTokenEncrypted);
        row.DefaultPasswordEncrypted = Encrypt(protector, settings.DefaultPassword, SecretPurposes.DefaultPassword, row.DefaultPasswordEncrypted);
        row.UpdatedAt = time.UtcNowForStorage();
        row.Revision++;
        if (await WriteConflicts.SaveAsync(db, http.Request, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        if (notifier is not null)
        {
            await notifier.NotifyAsync("rescue-account", null, cancellationToken);
        }

        ETags.Set(http.Response, ETags.FromRevision(row.Revision));
        return TypedResults.Ok(ToView(row));
    }

    public static async Task<Results<Ok<RescueCredentials>, StatusCodeHttpResult, NotFound>> GetCredentialsAsync(
        ConfigDbContext db, SecretProtector protector, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await db.RescueAccounts.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        var etag = ETags.FromRevision(row.Revision);
        ETags.Set(http.Response, etag);
        if (ETags.NotModified(http.Request, etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Ok(new RescueCredentials(
            row.ApiBaseUrl,
            protector.Unprotect(row.ServiceTokenEncrypted, SecretPurposes.ServiceToken),
            protector.Unprotect(row.DefaultPasswordEncrypted, SecretPurposes.DefaultPassword),
            row.UpdatedAt));
    }

    /// <summary>
    /// Every enabled mapping's destination must be a Technician Group of the account being stored: a mapping added before
    /// any account existed could not be checked then, and a new token may belong to another organization.
    /// </summary>
    private static async Task<ProblemHttpResult?> CheckMappingsAsync(
        string apiBaseUrl, string token, ConfigDbContext db, RescueAccountVerifier verifier, CancellationToken cancellationToken)
    {
        var mappings = await db.Mappings.AsNoTracking().Where(m => m.Enabled).OrderBy(m => m.Priority).ToListAsync(cancellationToken);
        var problems = new List<string>();
        var allUnreachable = true;
        foreach (var mapping in mappings)
        {
            var verification = await verifier.VerifyTechnicianGroupAsync(apiBaseUrl, token, mapping.TechnicianGroupId, cancellationToken);
            if (!verification.Succeeded)
            {
                allUnreachable &= verification.Unreachable;
                var problem = $"Mapping {mapping.Id} ({mapping.SourceGroupDn}): {verification.Problem}";
                problems.Add(verification.Unreachable
                    ? problem
                    : problem + " Give it a Technician Group of this account, or disable it, then submit the account again.");
            }
        }

        return problems.Count == 0
            ? null
            : RescueVerification.Refusal(
                new Dictionary<string, string[]> { ["mappings"] = [.. problems] }, allUnreachable,
                allUnreachable
                    ? "The Rescue account could not be verified: a mapping's destination could not be checked; nothing was stored."
                    : "The Rescue account could not be verified: a mapping's destination is not a Technician Group of this account; nothing was stored.");
    }

    /// <summary>An empty submitted secret keeps the stored one: the API never returns secrets, so forms cannot resend them.</summary>
    internal static string Encrypt(SecretProtector protector, string? submitted, string purpose, string stored) =>
        string.IsNullOrEmpty(submitted) ? stored : protector.Protect(submitted, purpose);

    private static RescueAccountView ToView(RescueAccountRow row) => new(
        row.ApiBaseUrl,
        row.MahEmail,
        row.MahPasswordEncrypted.Length > 0,
        row.ServiceTokenEncrypted.Length > 0,
        row.DefaultPasswordEncrypted.Length > 0,
        row.UpdatedAt);
}
