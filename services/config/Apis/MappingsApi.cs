using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Directories;
using RescueAdSync.Config.Rescue;
using RescueAdSync.Config.Secrets;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>Mappings: every service reads them, only admins change them.</summary>
public static class MappingsApi
{
    public static RouteGroupBuilder MapMappingsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/mappings").WithTags("Mappings");
        group.MapGet("/", ListAsync).RequireRoles(Roles.Admin, Roles.Reader, Roles.Provisioner);
        group.MapGet("/{id:guid}", GetAsync).RequireRoles(Roles.Admin, Roles.Reader, Roles.Provisioner);
        group.MapPost("/", CreateAsync).RequireRoles(Roles.Admin);
        group.MapPut("/{id:guid}", UpdateAsync).RequireRoles(Roles.Admin);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireRoles(Roles.Admin);
        return group;
    }

    public static async Task<Results<Ok<Mapping[]>, StatusCodeHttpResult>> ListAsync(
        ConfigDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var rows = await db.Mappings.AsNoTracking().OrderBy(m => m.Priority).ToListAsync(cancellationToken);
        var operations = await MappingOperations.LoadAsync(db, cancellationToken);
        var etag = ETags.FromParts(rows.Select(m => $"{m.Id}:{m.Revision}").Concat(operations.ETagParts()));
        ETags.Set(http.Response, etag);
        return ETags.NotModified(http.Request, etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(rows.Select(row => operations.Annotate(ToMapping(row))).ToArray());
    }

    public static async Task<Results<Ok<Mapping>, StatusCodeHttpResult, NotFound>> GetAsync(
        Guid id, ConfigDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await db.Mappings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        // The ETag covers the row and the open operations served with it; If-Match on PUT and DELETE compares the row's part.
        var mapping = (await MappingOperations.LoadAsync(db, cancellationToken)).Annotate(ToMapping(row));
        var etag = ETags.FromRevision(row.Revision, OperationParts(mapping));
        ETags.Set(http.Response, etag);
        return ETags.NotModified(http.Request, etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Ok(mapping);
    }

    public static async Task<Results<Created<Mapping>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        MappingSettings settings, ConfigDbContext db, SecretProtector protector, RescueAccountVerifier verifier, GroupNameResolver resolver,
        ConfigChangeNotifier notifier, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = SettingsValidator.Validate(settings);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var resolved = await MappingRules.ResolveAsync(settings, db, protector, resolver, cancellationToken);
        if (resolved.Refusal is { } invalid)
        {
            return invalid;
        }

        if (resolved.Failure is { } failed)
        {
            return failed;
        }

        if (await CheckTechnicianGroupAsync(settings.TechnicianGroupId, db, protector, verifier, cancellationToken) is { } refused)
        {
            return refused;
        }

        var row = new MappingRow { Id = Guid.CreateVersion7(), SourceGroupDn = "", SourceGroupDnKey = "" };
        Apply(row, settings, time);
        MappingRules.Apply(row, settings, resolved);
        row.Priority = settings.Priority ?? await MappingRules.NextPriorityAsync(db, cancellationToken);
        if (await IsGroupTakenAsync(db, row, cancellationToken))
        {
            return GroupTaken(row);
        }

        if (await MappingRules.PriorityTakenAsync(db, row, cancellationToken) is { } taken)
        {
            return taken;
        }

        db.Mappings.Add(row);
        if (await WriteConflicts.SaveAsync(db, http.Request, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        await notifier.NotifyAsync("mappings", row.Id.ToString(), cancellationToken);
        ETags.Set(http.Response, ETags.FromRevision(row.Revision));
        return TypedResults.Created($"/api/mappings/{row.Id}", ToMapping(row));
    }

    public static async Task<Results<Ok<Mapping>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, MappingSettings settings, ConfigDbContext db, SecretProtector protector, RescueAccountVerifier verifier, GroupNameResolver resolver,
        ConfigChangeNotifier notifier, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await db.Mappings.SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        if (ETags.PreconditionFails(http.Request, ETags.FromRevision(row.Revision)))
        {
            return ETags.PreconditionFailed();
        }

        var errors = SettingsValidator.Validate(settings);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var resolved = await MappingRules.ResolveAsync(settings, db, protector, resolver, cancellationToken);
        if (resolved.Refusal is { } invalid)
        {
            return invalid;
        }

        if (resolved.Failure is { } failed)
        {
            return failed;
        }

        // Only a changed destination, or a mapping being enabled, is asked about: disabling a mapping must not depend on
        // Rescue being reachable, and a mapping disabled while the account changed is checked when it comes back.
        if ((settings.TechnicianGroupId != row.TechnicianGroupId || (settings.Enabled && !row.Enabled))
            && await CheckTechnicianGroupAsync(settings.TechnicianGroupId, db, protector, verifier, cancellationToken) is { } refused)
        {
            return refused;
        }

        Apply(row, settings, time);
        MappingRules.Apply(row, settings, resolved);
        row.Priority = settings.Priority ?? row.Priority;
        if (await IsGroupTakenAsync(db, row, cancellationToken))
        {
            return GroupTaken(row);
        }

        if (await MappingRules.PriorityTakenAsync(db, row, cancellationToken) is { } taken)
        {
            return taken;
        }

        if (await WriteConflicts.SaveAsync(db, http.Request, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        await notifier.NotifyAsync("mappings", row.Id.ToString(), cancellationToken);
        ETags.Set(http.Response, ETags.FromRevision(row.Revision));
        return TypedResults.Ok(ToMapping(row));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(
        Guid id, ConfigDbContext db, ConfigChangeNotifier notifier, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await db.Mappings.SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        if (ETags.PreconditionFails(http.Request, ETags.FromRevision(row.Revision)))
        {
            return ETags.PreconditionFailed();
        }

        db.Mappings.Remove(row);
        if (await WriteConflicts.SaveAsync(db, http.Request, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        await notifier.NotifyAsync("mappings", row.Id.ToString(), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Asks Rescue whether the destination is a Technician Group. Without a stored Rescue account there is nothing to ask
    /// with yet: storing the account then checks every enabled mapping, and refuses while one is wrong.
    /// </summary>
    private static async Task<ProblemHttpResult?> CheckTechnicianGroupAsync(
        long technicianGroupId, ConfigDbContext db, SecretProtector protector, RescueAccountVerifier verifier, CancellationToken cancellationToken)
    {
        var account = await db.RescueAccounts.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (account is null)
        {
            return null;
        }

        var token = protector.Unprotect(account.ServiceTokenEncrypted, SecretPurposes.ServiceToken);
        var verification = await verifier.VerifyTechnicianGroupAsync(account.ApiBaseUrl, token, technicianGroupId, cancellationToken);
        return verification.Succeeded
            ? null
            : verification.ToRefusal(verification.Unreachable
                ? "The destination could not be checked; nothing was stored."
                : "The destination is not a Rescue Technician Group; nothing was stored.");
    }

    private static void Apply(MappingRow row, MappingSettings settings, TimeProvider time)
    {
        row.SourceGroupDn = settings.SourceGroupDn?.Trim() ?? "";
        row.SourceGroupDnKey = row.SourceGroupDn.ToLowerInvariant();
        row.TechnicianGroupId = settings.TechnicianGroupId;
        row.MobileAddon = settings.MobileAddon;
        row.Enabled = settings.Enabled;
        row.GuardMaxDisables = settings.GuardMaxDisables;
        row.GuardMaxDisablePercent = settings.GuardMaxDisablePercent;
        row.UpdatedAt = time.UtcNowForStorage();
        row.Revision++;
    }

    /// <summary>One group feeds one Technician Group: two mappings of one group would fight over its users.</summary>
    private static Task<bool> IsGroupTakenAsync(ConfigDbContext db, MappingRow row, CancellationToken cancellationToken) =>
        db.Mappings.AnyAsync(m => m.SourceGroupDnKey == row.SourceGroupDnKey && m.Directory == row.Directory && m.Id != row.Id, cancellationToken);

    private static ProblemHttpResult GroupTaken(MappingRow row) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "This group is already mapped.",
        detail: $"Another mapping already reads {row.SourceGroupDn}; change that mapping instead.");

    private static IEnumerable<string> OperationParts(Mapping mapping) =>
        new[]
        {
            mapping.OpenPlanId is { } plan ? $"plan:{plan}:{mapping.OpenPlanStatus}" : null,
            mapping.ResyncRequestId is { } resync ? $"resync:{resync}" : null,
        }.Concat(mapping.ProvisionRequests?.Select(p => $"provision:{p.Id}") ?? []).OfType<string>();

    private static Mapping ToMapping(MappingRow row) =>
        new(row.Id, row.SourceGroupDn, row.TechnicianGroupId, row.MobileAddon, row.Enabled, row.UpdatedAt,
            row.Directory, row.Nested, row.NameAttribute, row.EmailAttribute, row.Priority, row.GuardMaxDisables, row.GuardMaxDisablePercent);
}
