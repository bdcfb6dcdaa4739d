using System.Text.Json;

namespace RescueAdSync.Config.Tests;

public sealed class OpenApiDocumentTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    [Fact]
    public async Task Document_declares_the_bearer_scheme_and_requires_it_on_every_api_operation()
    {
        using var document = JsonDocument.Parse(await factory.ClientWithKey(null).GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;

        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        var operations = root.GetProperty("paths").EnumerateObject()
            .Where(path => path.Name.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Path: path.Name, Method: operation.Name, operation.Value)))
            .ToList();
        Assert.Contains(operations, o => o.Path == "/api/reader-state/{mappingId}" && o.Method == "put");
        Assert.Contains(operations, o => o.Path == "/api/leases/{name}" && o.Method == "post");
        Assert.All(operations, o => Assert.True(
            o.Value.TryGetProperty("security", out var security)
            && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("Bearer", out _)),
            $"{o.Method} {o.Path} does not require the bearer scheme"));
    }
}
