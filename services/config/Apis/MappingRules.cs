using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Directories;
using RescueAdSync.Config.Secrets;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>The mapping rules: directory reference, group name resolution, priority, attribute mapping.</summary>
public static class MappingRules
{
    /// <summary>Room left between two automatically numbered mappings, so one can be put in between without renumbering.</summary>
    public const int PriorityStep = 10;

    /// <summary>
    /// Checks that the directory exists (the "default" one may be configured after its mappings: set-up scripts do
    /// that) and turns a group name into its DN by asking that directory.
    /// </summary>
    public static async Task<ResolutionResult> ResolveAsync(MappingSettings settings, ConfigDbContext db, SecretProtector protector,
        GroupNameResolver resolver, CancellationToken cancellationToken)
    {
        var name = DirectoryApi.NormalizeName(settings.Directory) ?? DirectoryNames.Default;
        var directory = await db.DirectoryConnections.AsNoTracking().SingleOrDefaultAsync(d => d.Name == name, cancellationToken);
        var byName = !string.IsNullOrWhiteSpace(settings.SourceGroupName);
        if (directory is null && (name != DirectoryNames.Default || byName))
        {
            return new ResolutionResult(name, null, Invalid("directory", byName && name == DirectoryNames.Default
                ? "A group name is resolved against the directory connection, and 'default' is not configured yet (PUT /api/directory)."
                : $"No directory connection named '{name}' (see GET /api/directories)."));
        }

        if (!byName)
        {
            return new ResolutionResult(name, settings.SourceGroupDn!.Trim());
        }

        var found = await resolver.ResolveAsync(DirectoryApi.ToSettings(directory!, protector), settings.SourceGroupName!.Trim(), cancellationToken);
        return found.Outcome switch
        {
            GroupLookupOutcome.Found => new ResolutionResult(name, found.Dns[0]),
            GroupLookupOutcome.NotFound => new ResolutionResult(name, null, Invalid("sourceGroupName",
                $"No group named '{settings.SourceGroupName.Trim()}' under {directory!.BaseDn} in directory '{name}'.")),
            GroupLookupOutcome.Ambiguous => new ResolutionResult(name, null, Invalid("sourceGroupName",
                $"'{settings.SourceGroupName.Trim()}' names {found.Dns.Count} groups in directory '{name}': {string.Join("; ", found.Dns)}. Give sourceGroupDn instead.")),
            _ => new ResolutionResult(name, null, null, TypedResults.Problem(
                statusCode: StatusCodes.Status502BadGateway,
                title: "The directory could not be asked for the group; nothing was stored.",
                detail: found.Error)),
        };
    }

    public static void Apply(MappingRow row, MappingSettings settings, ResolutionResult resolved)
    {
        row.Directory = resolved.Directory;
        row.SourceGroupDn = resolved.GroupDn!;
        row.SourceGroupDnKey = row.SourceGroupDn.ToLowerInvariant();
        row.Nested = settings.Nested;
        row.NameAttribute = string.IsNullOrWhiteSpace(settings.NameAttribute) ? null : settings.NameAttribute.Trim();
        row.EmailAttribute = string.IsNullOrWhiteSpace(settings.EmailAttribute) ? null : settings.EmailAttribute.Trim();
    }

    public static async Task<int> NextPriorityAsync(ConfigDbContext db, CancellationToken cancellationToken) =>
        (await db.Mappings.Select(m => (int?)m.Priority).MaxAsync(cancellationToken) ?? 0) + PriorityStep;

    public static async Task<ProblemHttpResult?> PriorityTakenAsync(ConfigDbContext db, MappingRow row, CancellationToken cancellationToken)
    {
        var other = await db.Mappings.AsNoTracking().Where(m => m.Priority == row.Priority && m.Id != row.Id).Select(m => (Guid?)m.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return other is null
            ? null
            : TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "This priority is already used.",
                detail: $"Mapping {other} has priority {row.Priority}; priorities are unique so that a user in two mapped groups has one owner.");
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The mapping was not stored.");
}

/// <summary>The outcome of <see cref="MappingRules.ResolveAsync"/>.</summary>
public sealed record ResolutionResult(string Directory, string? GroupDn, ValidationProblem? Refusal = null, ProblemHttpResult? Failure = null);
