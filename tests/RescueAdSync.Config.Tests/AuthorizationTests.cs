using System.Net;
using System.Text;

namespace RescueAdSync.Config.Tests;

public sealed class AuthorizationTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private const string SomeId = "0196d5a0-0000-7000-8000-0000000000aa";

    /// <summary>Every /api endpoint and the roles it admits; every other role must get 403.</summary>
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "GET", "/api/rescue-account", "admin" },
        { "PUT", "/api/rescue-account", "admin" },
        { "GET", "/api/rescue-account/credentials", "provisioner" },
        { "GET", "/api/directory", "admin,reader" },
        { "PUT", "/api/directory", "admin" },
        { "GET", "/api/directory/credentials", "reader" },
        { "GET", "/api/directories", "admin,reader" },
        { "GET", "/api/directories/some-directory", "admin,reader" },
        { "PUT", "/api/directories/some-directory", "admin" },
        { "DELETE", "/api/directories/some-directory", "admin" },
        { "GET", "/api/directories/some-directory/credentials", "reader" },
        { "POST", "/api/directories/some-directory/test", "admin" },
        { "GET", "/api/mappings", "admin,reader,provisioner" },
        { "GET", $"/api/mappings/{SomeId}", "admin,reader,provisioner" },
        { "POST", "/api/mappings", "admin" },
        { "PUT", $"/api/mappings/{SomeId}", "admin" },
        { "DELETE", $"/api/mappings/{SomeId}", "admin" },
        { "GET", "/api/links", "admin" },
        { "GET", "/api/links/some-user", "admin,provisioner" },
        { "PUT", "/api/links/some-user", "provisioner" },
        { "POST", "/api/sync-log", "admin,reader,provisioner" },
        { "GET", "/api/sync-log", "admin" },
        { "GET", $"/api/reader-state/{SomeId}", "admin,reader" },
        { "GET", $"/api/reader-state/{SomeId}/users", "admin,reader" },
        { "PUT", $"/api/reader-state/{SomeId}", "reader" },
        { "DELETE", $"/api/reader-state/{SomeId}", "admin" },
        { "GET", "/api/leases/some-directory", "admin,reader" },
        { "POST", "/api/leases/some-directory", "reader" },
        { "DELETE", "/api/leases/some-directory", "reader" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_without_key_or_with_unknown_key_is_401(string method, string path, string roles)
    {
        _ = roles;
        var anonymous = await factory.ClientWithKey(null).SendAsync(Request(method, path));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        var wrong = await factory.ClientWithKey("not-a-configured-key-at-all").SendAsync(Request(method, path));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        var basic = factory.CreateClient();
        basic.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", ConfigApiFactory.AdminKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await basic.SendAsync(Request(method, path))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_admits_its_roles_and_forbids_the_others_with_403(string method, string path, string roles)
    {
        var allowed = roles.Split(',');
        foreach (var (role, key) in new[] { ("admin", ConfigApiFactory.AdminKey), ("reader", ConfigApiFactory.ReaderKey), ("provisioner", ConfigApiFactory.ProvisionerKey) })
        {
            var response = await factory.ClientWithKey(key).SendAsync(Request(method, path));
            if (allowed.Contains(role))
            {
                Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{role}: {response.StatusCode}");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role}: {response.StatusCode}");
            }
        }
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    [InlineData("/openapi/v1.json")]
    public async Task Health_and_metrics_need_no_key(string path)
    {
        var response = await factory.ClientWithKey(null).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        // An empty object: enough to get past authorization; allowed roles then see 400 or 404, never 401/403.
        Content = method is "PUT" or "POST" ? new StringContent("{}", Encoding.UTF8, "application/json") : null,
    };
}
