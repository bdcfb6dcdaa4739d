using RescueAdSync.Config.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Directories;
using RescueAdSync.Config.Secrets;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// Named directory connections: admins write them; the reader alone reads a bind password back. /api/directory is the
/// connection named "default" (the one a single-directory installation has).
/// </summary>
public static partial class DirectoryApi
{
    public static RouteGroupBuilder MapDirectoryApi(this IEndpointRouteBuilder api)
    {
        var named = api.MapGroup("/directories").WithTags("Directory");
        named.MapGet("/", ListAsync).RequireRoles(Roles.Admin, Roles.Reader);
        named.MapGet("/{name}", GetAsync).RequireRoles(Roles.Admin, Roles.Reader);
        named.MapPut("/{name}", PutAsync).RequireRoles(Roles.Admin);
        named.MapDelete("/{name}", DeleteAsync).RequireRoles(Roles.Admin);
        named.MapPost("/{name}/test", TestAsync).RequireRoles(Roles.Admin);
        named.MapGet("/{name}/credentials", GetCredentialsAsync).RequireRoles(Roles.Reader).NoStore();

        var group = api.MapGroup("/directory").WithTags("Directory");
        group.MapGet("/", (ConfigDbContext db, HttpContext http, CancellationToken ct) => GetAsync(DirectoryNames.Default, db, http, ct))
            .RequireRoles(Roles.Admin, Roles.Reader);
        group.MapPut("/", (DirectoryConnectionSettings settings, ConfigDbContext db, SecretProtector protector, TimeProvider time, ConfigChangeNotifier notifier,
                DirectoryPreflight preflight, HttpContext http, CancellationToken ct) =>
                PutAsync(DirectoryNames.Default, settings, db, protector, time, notifier, preflight, http, ct))
            .RequireRoles(Roles.Admin);
        group.MapGet("/credentials", (ConfigDbContext db, SecretProtector protector, HttpContext http, CancellationToken ct) =>
                GetCredentialsAsync(DirectoryNames.Default, db, protector, http, ct))
            .RequireRoles(Roles.Reader)
            .NoStore();
        return group;
    }

    /// <summary>Names compare case-insensitively; stored and served in lower case.</summary>
    public static string? NormalizeName(string? name)
    {
        var normalized = name?.Trim().ToLowerInvariant();
        return normalized is not null && NamePattern().IsMatch(normalized) ? normalized : null;
    }

    public static async Task<Results<Ok<DirectoryConnectionView[]>, StatusCodeHttpResult>> ListAsync(
        ConfigDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var rows = await db.DirectoryConnections.AsNoTracking().OrderBy(d => d.Name).ToListAsync(cancellationToken);
        var etag = ETags.FromParts(rows.Select(d => $"{d.Name}:{d.Revision}"));
        ETags.Set(http.Response, etag);
        return ETags.NotModified(http.Request, etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(rows.Select(ToView).ToArray());
    }

    public static async Task<Results<Ok<DirectoryConnectionView>, StatusCodeHttpResult, NotFound>> GetAsync(
        string name, ConfigDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await FindAsync(db.DirectoryConnections.AsNoTracking(), name, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        var etag = ETags.FromRevision(row.Revision);
        ETags.Set(http.Response, etag);
        return ETags.NotModified(http.Request, etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Ok(ToView(row));
    }

    /// <summary>
    /// Saves the connection, then answers it with the preflight of the connection as saved: a failing check does not
    /// refuse the save (the directory may be fixed next, or be down for a moment), it tells the operator at once.
    /// </summary>
    public static async Task<Results<Ok<DirectoryConnectionView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string name, DirectoryConnectionSettings settings, ConfigDbContext db, SecretProtector protector, TimeProvider time,
        ConfigChangeNotifier notifier, DirectoryPreflight preflight, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await PutOnceAsync(name, settings, db, protector, time, notifier, http, cancellationToken);
        if (result.Result is ProblemHttpResult { StatusCode: StatusCodes.Status409Conflict } && !ETags.HasIfMatch(http.Request))
        {
            // Without If-Match, two PUTs creating the same connection at once: the one that lost the insert updates the
            // row the other created (last writer wins), as it would have had it come a moment later.
            db.ChangeTracker.Clear();
            result = await PutOnceAsync(name, settings, db, protector, time, notifier, http, cancellationToken);
        }

        if (result.Result is not Ok<DirectoryConnectionView> { Value: { } saved })
        {
            return result;
        }

        var row = await FindAsync(db.DirectoryConnections.AsNoTracking(), saved.Name, cancellationToken);
        return row is null
            ? result
            : TypedResults.Ok(saved with { Preflight = await PreflightAsync(row, db, protector, preflight, cancellationToken) });
    }

    /// <summary>The directory preflight: the stored connection checked as the reader would use it, line by line.</summary>
    public static async Task<Results<Ok<DirectoryPreflightReport>, NotFound>> TestAsync(
        string name, ConfigDbContext db, SecretProtector protector, DirectoryPreflight preflight, CancellationToken cancellationToken)
    {
        var row = await FindAsync(db.DirectoryConnections.AsNoTracking(), name, cancellationToken);
        return row is null ? TypedResults.NotFound() : TypedResults.Ok(await PreflightAsync(row, db, protector, preflight, cancellationToken));
    }

    private static async Task<DirectoryPreflightReport> PreflightAsync(DirectoryConnectionRow row, ConfigDbContext db, SecretProtector protector,
        DirectoryPreflight preflight, CancellationToken cancellationToken)
    {
        var mappings = await db.Mappings.AsNoTracking().Where(m => m.Directory == row.Name).OrderBy(m => m.Priority)
            .Select(m => new PreflightMapping(m.Id, m.SourceGroupDn, m.Nested))
            .ToListAsync(cancellationToken);
        return await preflight.RunAsync(row.Name, ToSettings(row, protector), mappings, cancellationToken);
    }

    private static async Task<Results<Ok<DirectoryConnectionView>, ValidationProblem, ProblemHttpResult>> PutOnceAsync(
        string name, DirectoryConnectionSettings settings, ConfigDbContext db, SecretProtector protector, TimeProvider time,
        ConfigChangeNotifier notifier, HttpContext http, CancellationToken cancellationToken)
    {
        var normalized = NormalizeName(name);
        if (normalized is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["name"] = ["1 to 63 lower-case letters, digits or '-', starting with a letter or digit."],
            });
        }

        var row = await FindAsync(db.DirectoryConnections, normalized, cancellationToken);
        if (ETags.PreconditionFails(http.Request, row is null ? null : ETags.FromRevision(row.Revision)))
        {
            return ETags.PreconditionFailed();
        }

        var errors = SettingsValidator.Validate(settings, secretsStored: row is { BindPasswordEncrypted.Length: > 0 },
            keytabStored: row is { KeytabEncrypted.Length: > 0 });
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (row is null)
        {
            // The connection that existed before names is Id 1; ids are not exposed, the name is the key clients use.
            var maxId = await db.DirectoryConnections.Select(d => (int?)d.Id).MaxAsync(cancellationToken) ?? 0;
            row = new DirectoryConnectionRow { Id = maxId + 1, Name = normalized, ServerUrls = [], BindDn = "", BindPasswordEncrypted = "", BaseDn = "" };
            db.DirectoryConnections.Add(row);
        }

        row.Kind = settings.Kind;
        row.Domain = DomainControllerLocator.NormalizeDomain(settings.Domain);
        row.Site = string.IsNullOrWhiteSpace(settings.Site) ? null : settings.Site.Trim();
        row.DnsServer = string.IsNullOrWhiteSpace(settings.DnsServer) ? null : settings.DnsServer.Trim();
        row.ServerUrls = (settings.ServerUrls ?? []).Select(url => url.Trim()).ToList();
        row.BindDn = settings.BindDn?.Trim() ?? "";
        row.BindPasswordEncrypted = RescueAccountApi.Encrypt(protector, settings.BindPassword, SecretPurposes.BindPassword, row.BindPasswordEncrypted);
        row.BaseDn = string.IsNullOrWhiteSpace(settings.BaseDn) && row.Domain is not null
            ? DomainControllerLocator.BaseDnOf(row.Domain)
            : settings.BaseDn.Trim();
        row.PollIntervalSeconds = settings.PollIntervalSeconds;
        row.TlsMode = settings.TlsMode;
        row.CaBundlePem = string.IsNullOrWhiteSpace(settings.CaBundlePem) ? null : settings.CaBundlePem.Trim() + "\n";
        row.AllowInsecureTls = settings.AllowInsecureTls;
        row.DisabledAttribute = string.IsNullOrWhiteSpace(settings.DisabledAttribute) ? null : settings.DisabledAttribute.Trim();
        row.ReconcileMinutes = settings.ReconcileMinutes;
        row.Auth = settings.Auth;
        row.KerberosPrincipal = settings.Auth == DirectoryAuth.Kerberos ? settings.KerberosPrincipal?.Trim() : null;
        // Kerberos needs no bind password, and a Simple connection no keytab: switching forgets the other's secret.
        if (settings.Auth == DirectoryAuth.Kerberos)
        {
            row.KeytabEncrypted = RescueAccountApi.Encrypt(protector, settings.KeytabBase64?.Trim() ?? "", SecretPurposes.Keytab, row.KeytabEncrypted);
            if (string.IsNullOrEmpty(settings.BindPassword))
            {
                row.BindPasswordEncrypted = "";
            }
        }
        else
        {
            row.KeytabEncrypted = "";
        }
        row.UpdatedAt = time.UtcNowForStorage();
        row.Revision++;
        if (await WriteConflicts.SaveAsync(db, http.Request, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        await notifier.NotifyAsync("directory", row.Name, cancellationToken);
        ETags.Set(http.Response, ETags.FromRevision(row.Revision));
        return TypedResults.Ok(ToView(row));
    }

    /// <summary>Refused (409) while a mapping reads from the connection: its reader would lose its source silently.</summary>
    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(
        string name, ConfigDbContext db, ConfigChangeNotifier notifier, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await FindAsync(db.DirectoryConnections, name, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        if (ETags.PreconditionFails(http.Request, ETags.FromRevision(row.Revision)))
        {
            return ETags.PreconditionFailed();
        }

        var users = await db.Mappings.Where(m => m.Directory == row.Name).Select(m => m.Id).ToListAsync(cancellationToken);
        if (users.Count > 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The directory connection is in use.",
                detail: $"Mappings {string.Join(", ", users)} read from '{row.Name}'; remove them or point them at another connection first.");
        }

        db.DirectoryConnections.Remove(row);
        if (await WriteConflicts.SaveAsync(db, http.Request, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        await notifier.NotifyAsync("directory", row.Name, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<DirectoryConnectionSettings>, StatusCodeHttpResult, NotFound>> GetCredentialsAsync(
        string name, ConfigDbContext db, SecretProtector protector, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await FindAsync(db.DirectoryConnections.AsNoTracking(), name, cancellationToken);
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

        return TypedResults.Ok(ToSettings(row, protector));
    }

    /// <summary>The connection with its bind password and keytab in clear, for the reader and the group-name resolver.</summary>
    public static DirectoryConnectionSettings ToSettings(DirectoryConnectionRow row, SecretProtector protector) => new(
        row.Kind,
        row.ServerUrls,
        row.BindDn,
        row.BindPasswordEncrypted.Length > 0 ? protector.Unprotect(row.BindPasswordEncrypted, SecretPurposes.BindPassword) : "",
        row.BaseDn,
        row.PollIntervalSeconds,
        row.TlsMode,
        row.CaBundlePem,
        row.AllowInsecureTls,
        row.DisabledAttribute,
        row.ReconcileMinutes,
        row.Domain,
        row.Site,
        row.DnsServer,
        row.Auth,
        row.KerberosPrincipal,
        row.KeytabEncrypted.Length > 0 ? protector.Unprotect(row.KeytabEncrypted, SecretPurposes.Keytab) : null);

    public static Task<DirectoryConnectionRow?> FindAsync(IQueryable<DirectoryConnectionRow> rows, string? name, CancellationToken cancellationToken)
    {
        var normalized = NormalizeName(name);
        return normalized is null ? Task.FromResult<DirectoryConnectionRow?>(null) : rows.SingleOrDefaultAsync(d => d.Name == normalized, cancellationToken);
    }

    private static DirectoryConnectionView ToView(DirectoryConnectionRow row) => new(
        row.Kind, row.ServerUrls, row.BindDn, row.BindPasswordEncrypted.Length > 0, row.BaseDn, row.PollIntervalSeconds, row.UpdatedAt,
        row.Name, row.TlsMode, row.CaBundlePem, row.AllowInsecureTls, row.DisabledAttribute, row.ReconcileMinutes,
        row.Domain, row.Site, row.DnsServer,
        row.Auth, row.KerberosPrincipal, row.KeytabEncrypted.Length > 0);

    [GeneratedRegex(DirectoryNames.Pattern)]
    private static partial Regex NamePattern();
}
