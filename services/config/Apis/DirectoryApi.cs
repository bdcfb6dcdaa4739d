using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Secrets;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>The directory connection: admins write it; the reader alone reads the bind password back.</summary>
public static class DirectoryApi
{
    public static RouteGroupBuilder MapDirectoryApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/directory").WithTags("Directory");
        group.MapGet("/", GetAsync).RequireRoles(Roles.Admin, Roles.Reader);
        group.MapPut("/", PutAsync).RequireRoles(Roles.Admin);
        group.MapGet("/credentials", GetCredentialsAsync).RequireRoles(Roles.Reader);
        return group;
    }

    public static async Task<Results<Ok<DirectoryConnectionView>, StatusCodeHttpResult, NotFound>> GetAsync(
        ConfigDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await db.DirectoryConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        var etag = ETags.FromRevision(row.Revision);
        ETags.Set(http.Response, etag);
        return ETags.NotModified(http.Request, etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Ok(ToView(row));
    }

    public static async Task<Results<Ok<DirectoryConnectionView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        DirectoryConnectionSettings settings, ConfigDbContext db, SecretProtector protector, TimeProvider time, HttpContext http,
        CancellationToken cancellationToken)
    {
        var row = await db.DirectoryConnections.SingleOrDefaultAsync(cancellationToken);
        if (ETags.PreconditionFails(http.Request, row is null ? null : ETags.FromRevision(row.Revision)))
        {
            return ETags.PreconditionFailed();
        }

        var errors = SettingsValidator.Validate(settings, secretsStored: row is not null);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (row is null)
        {
            row = new DirectoryConnectionRow { ServerUrls = [], BindDn = "", BindPasswordEncrypted = "", BaseDn = "" };
            db.DirectoryConnections.Add(row);
        }

        row.Kind = settings.Kind;
        row.ServerUrls = settings.ServerUrls.Select(url => url.Trim()).ToList();
        row.BindDn = settings.BindDn.Trim();
        row.BindPasswordEncrypted = RescueAccountApi.Encrypt(protector, settings.BindPassword, SecretPurposes.BindPassword, row.BindPasswordEncrypted);
        row.BaseDn = settings.BaseDn.Trim();
        row.PollIntervalSeconds = settings.PollIntervalSeconds;
        row.UpdatedAt = time.UtcNowForStorage();
        row.Revision++;
        if (await WriteConflicts.SaveAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        ETags.Set(http.Response, ETags.FromRevision(row.Revision));
        return TypedResults.Ok(ToView(row));
    }

    public static async Task<Results<Ok<DirectoryConnectionSettings>, StatusCodeHttpResult, NotFound>> GetCredentialsAsync(
        ConfigDbContext db, SecretProtector protector, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await db.DirectoryConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
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

        return TypedResults.Ok(new DirectoryConnectionSettings(
            row.Kind,
            row.ServerUrls,
            row.BindDn,
            protector.Unprotect(row.BindPasswordEncrypted, SecretPurposes.BindPassword),
            row.BaseDn,
            row.PollIntervalSeconds));
    }

    private static DirectoryConnectionView ToView(DirectoryConnectionRow row) => new(
        row.Kind, row.ServerUrls, row.BindDn, row.BindPasswordEncrypted.Length > 0, row.BaseDn, row.PollIntervalSeconds, row.UpdatedAt);
}
