using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Security: every config API operation, enumerated from the service's own OpenAPI document at test time (so a
/// new endpoint is covered without touching this test), refuses a request without a key or with an unknown key (401) and
/// a key of each role it does not admit (403), and lets the roles it admits through. The admin web page is public static
/// files by design: it holds no data, and every API path it calls is one of those authenticated operations.
/// </summary>
public sealed partial class ConfigApiAccessTests : IAsyncLifetime
{
    private const string RolesExtension = "x-adsync-roles";
    private static readonly string[] AllRoles = ["admin", "reader", "provisioner"];

    // Distinctive stored values: the admin page must never carry them to a visitor without a key.
    private const string MarkerBindDn = "cn=marker-k3Q9,dc=example,dc=org";

    private readonly Dictionary<string, string> _keys = AllRoles.ToDictionary(r => r, _ => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private ServiceProcess? _config;

    public async Task InitializeAsync()
    {
        var dataDir = Directory.CreateTempSubdirectory("adsync-rel-access-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Config"] = $"Data Source={Path.Combine(dataDir, "config.db")}",
            ["Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            // This test makes hundreds of refused calls on purpose; the guessing limiter has its own tests.
            ["Auth__FailedAttemptsPerMinute"] = "1000000",
        };
        for (var i = 0; i < AllRoles.Length; i++)
        {
            environment[$"Auth__ApiKeys__{i}__Key"] = _keys[AllRoles[i]];
            environment[$"Auth__ApiKeys__{i}__Role"] = AllRoles[i];
        }
        _config = await ServiceProcess.StartAsync("rel-access-config", RepoPaths.ServiceDll("config", "RescueAdSync.Config"), environment);
        _http.BaseAddress = new Uri(_config.Url);
    }

    public async Task DisposeAsync()
    {
        if (_config is not null)
        {
            await _config.DisposeAsync();
        }

        _http.Dispose();
    }

    [Fact]
    public async Task Every_API_operation_refuses_no_key_an_unknown_key_and_a_malformed_header_with_401()
    {
        var operations = await OperationsAsync();
        var wrong = new List<string>();
        var unknownKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        foreach (var operation in operations)
        {
            foreach (var (what, header) in new (string, AuthenticationHeaderValue?)[]
            {
                ("no key", null),
                ("unknown key", new("Bearer", unknownKey)),
                ("admin key as Basic", new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{_keys["admin"]}")))),
                ("empty bearer", new("Bearer", "")),
            })
            {
                var (status, body) = await SendAsync(operation, header);
                if (status != 401)
                {
                    wrong.Add($"{operation} with {what}: {status} {Shorten(body)}");
                }
            }
        }
        Assert.True(wrong.Count == 0, $"Not refused with 401:\n{string.Join("\n", wrong)}");
    }

    [Fact]
    public async Task Every_API_operation_refuses_each_role_it_does_not_admit_with_403_and_lets_the_others_through()
    {
        var operations = await OperationsAsync();
        var wrong = new List<string>();
        var refusals = 0;
        foreach (var operation in operations)
        {
            foreach (var role in AllRoles)
            {
                var (status, body) = await SendAsync(operation, new AuthenticationHeaderValue("Bearer", _keys[role]));
                if (operation.Roles.Contains(role))
                {
                    // The request body is a placeholder, so 400/404/409 are fine; what matters is that authorization let it through.
                    if (status is 401 or 403)
                    {
                        wrong.Add($"{operation}: {role} is admitted by the document but got {status} {Shorten(body)}");
                    }
                }
                else
                {
                    refusals++;
                    if (status != 403)
                    {
                        wrong.Add($"{operation}: {role} is not admitted but got {status} {Shorten(body)}");
                    }
                }
            }
        }
        Assert.True(wrong.Count == 0, $"Role checks that do not hold:\n{string.Join("\n", wrong)}");
        Assert.True(refusals > 0, "no operation refuses any role: the role matrix tested nothing");
    }

    [Fact]
    public async Task The_secret_handing_operations_admit_only_their_one_consumer()
    {
        // A fixed anchor for the generated matrix: if the document (and the service) ever widened these, it would show here.
        var operations = await OperationsAsync();
        Assert.Equal(["provisioner"], operations.Single(o => o.Method == "GET" && o.Path == "/api/rescue-account/credentials").Roles);
        Assert.Equal(["reader"], operations.Single(o => o.Method == "GET" && o.Path == "/api/directory/credentials").Roles);
    }

    [Fact]
    public async Task Admin_page_holds_no_data_without_a_key_and_every_API_path_it_calls_requires_one()
    {
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/api/directory"))
        {
            put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _keys["admin"]);
            put.Content = new StringContent(
                $$"""{"kind":"OpenLdap","serverUrls":["ldap://127.0.0.1:389"],"bindDn":"{{MarkerBindDn}}","bindPassword":"pw-n8V2","baseDn":"dc=example,dc=org","pollIntervalSeconds":5}""",
                Encoding.UTF8, "application/json");
            using var response = await _http.SendAsync(put);
            Assert.True(response.IsSuccessStatusCode, $"PUT /api/directory: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var page = await _http.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        var everything = new StringBuilder(html);
        foreach (var script in scripts)
        {
            everything.Append(await _http.GetStringAsync(new Uri(new Uri(_http.BaseAddress!, "/admin/"), script)));
        }

        var text = everything.ToString();
        Assert.DoesNotContain(MarkerBindDn, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("pw-n8V2", text, StringComparison.Ordinal);

        // Every /api path the page's code names must be an authenticated operation of the document.
        var operations = await OperationsAsync();
        var called = ApiPath().Matches(text).Select(m => m.Value.TrimEnd('/')).Distinct().ToList();
        Assert.NotEmpty(called);
        foreach (var path in called)
        {
            // A path the page builds from a template (e.g. `/api/reader-state/${id}/summary`) is cut at the template: it then
            // names the operations under it, which are asked with sample parameters.
            var matching = operations.Where(o => Template(o.Path).IsMatch(path) || o.Path.StartsWith(path + "/", StringComparison.Ordinal)).ToList();
            Assert.True(matching.Count > 0, $"the admin page calls {path}, which is no operation of the OpenAPI document");
            foreach (var operation in matching.Where(o => o.Method == "GET").DefaultIfEmpty(new Operation("GET", path, [])))
            {
                var (status, _) = await SendAsync(operation, null);
                Assert.True(status is 401 or 405, $"GET {operation.Path} (called by the admin page as {path}) without a key answered {status}");
            }
        }
    }

    private async Task<IReadOnlyList<Operation>> OperationsAsync()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/openapi/v1.json"));
        var operations = new List<Operation>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Name is "parameters" or "summary" or "description" or "servers")
                {
                    continue;
                }

                var roles = operation.Value.TryGetProperty(RolesExtension, out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToArray() : null;
                Assert.True(path.Name.StartsWith("/api/", StringComparison.Ordinal),
                    $"{operation.Name.ToUpperInvariant()} {path.Name} is outside /api and not covered by the API-key rules");
                Assert.True(roles is not null, $"{operation.Name.ToUpperInvariant()} {path.Name} declares no {RolesExtension}: it has no authorization");
                operations.Add(new Operation(operation.Name.ToUpperInvariant(), path.Name, roles!));
            }
        }
        // The API had 22 operations when this was written; far fewer means the document (or its parsing) lost some.
        Assert.True(operations.Count >= 20, $"only {operations.Count} operations in the OpenAPI document");
        return operations;
    }

    private async Task<(int Status, string Body)> SendAsync(Operation operation, AuthenticationHeaderValue? authorization)
    {
        var path = PathParameter().Replace(operation.Path, m => m.Groups[1].Value switch
        {
            "id" or "mappingId" => Guid.NewGuid().ToString(),
            // Numeric route parameters ({nodeId:long}): a word would miss the route and answer 404 before any key check.
            "nodeId" => "1000001",
            var other => $"sample-{other}",
        });
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
        request.Headers.Authorization = authorization;
        if (operation.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Regex Template(string path) =>
        new("^" + PathParameter().Replace(Regex.Escape(path).Replace(@"\{", "{", StringComparison.Ordinal), "[^/]+") + "$");

    private static string Shorten(string body) => body.Length > 200 ? body[..200] + "…" : body;

    [GeneratedRegex(@"\{([A-Za-z]+)(?::[^}]*)?\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex(@"<script[^>]*\bsrc=""([^""]+)""")]
    private static partial Regex ScriptSource();

    [GeneratedRegex(@"/api/[a-z][a-z\-]*(?:/[a-z][a-z\-]*)?")]
    private static partial Regex ApiPath();

    private sealed record Operation(string Method, string Path, string[] Roles)
    {
        public override string ToString() => $"{Method} {Path} [{string.Join(",", Roles)}]";
    }
}
