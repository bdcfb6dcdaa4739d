using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using RescueAdSync.Config.Auth;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// Writes the roles each /api operation admits into the OpenAPI document as <c>x-adsync-roles</c> (and a line of the
/// description), taken from the endpoint's own authorization metadata, so that clients, the docs and the security tests
/// read the same truth the service enforces. An operation that requires a key but names no role admits every role.
/// </summary>
public sealed class RolesOperationTransformer : IOpenApiOperationTransformer
{
    public const string Extension = "x-adsync-roles";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (!metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<AuthorizationPolicy>().Any())
        {
            return Task.CompletedTask;
        }

        // Every policy must pass, so the admitted roles are the intersection of the role requirements.
        IEnumerable<string> roles = Roles.All;
        foreach (var requirement in metadata.OfType<AuthorizationPolicy>().SelectMany(p => p.Requirements).OfType<RolesAuthorizationRequirement>())
        {
            roles = roles.Intersect(requirement.AllowedRoles, StringComparer.Ordinal);
        }

        foreach (var data in metadata.OfType<IAuthorizeData>().Where(d => !string.IsNullOrEmpty(d.Roles)))
        {
            roles = roles.Intersect(data.Roles!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        }

        var admitted = roles.Order(StringComparer.Ordinal).ToList();
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions[Extension] = new JsonNodeExtension(new JsonArray([.. admitted.Select(r => JsonValue.Create(r))]));
        var line = $"Roles: {string.Join(", ", admitted)}.";
        operation.Description = string.IsNullOrEmpty(operation.Description) ? line : $"{operation.Description}\n\n{line}";
        return Task.CompletedTask;
    }
}
