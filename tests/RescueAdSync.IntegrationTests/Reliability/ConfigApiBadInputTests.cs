using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Bad requests to the config API: each answered with a ProblemDetails error, and the stored configuration unchanged.
/// One config service for the class; each case compares what the resource reads before and after, so cases can share it.
/// </summary>
public sealed class ConfigApiBadInputTests : IAsyncLifetime
{
    private const string ValidDirectory =
        """{"kind":"OpenLdap","serverUrls":["ldap://127.0.0.1:389"],"bindDn":"cn=admin,dc=example,dc=org","bindPassword":"pw","baseDn":"dc=example,dc=org","pollIntervalSeconds":5}""";

    private readonly string _adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private readonly string _provisionerKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private readonly string _readerKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private readonly HttpClient _http = new();
    private ServiceProcess? _config;

    public async Task InitializeAsync()
    {
        var dataDir = Directory.CreateTempSubdirectory("adsync-rel-config-").FullName;
        _config = await ServiceProcess.StartAsync("rel-config", RepoPaths.ServiceDll("config", "RescueAdSync.Config"), new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Config"] = $"Data Source={Path.Combine(dataDir, "config.db")}",
            ["Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Auth__ApiKeys__0__Key"] = _adminKey,
            ["Auth__ApiKeys__0__Role"] = "admin",
            ["Auth__ApiKeys__1__Key"] = _provisionerKey,
            ["Auth__ApiKeys__1__Role"] = "provisioner",
            ["Auth__ApiKeys__2__Key"] = _readerKey,
            ["Auth__ApiKeys__2__Role"] = "reader",
        });
        _http.BaseAddress = new Uri(_config.Url);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        _http.Timeout = TimeSpan.FromSeconds(60);
    }

    public async Task DisposeAsync()
    {
        if (_config is not null)
        {
            await _config.DisposeAsync();
        }

        _http.Dispose();
    }

    [Theory]
    [InlineData("PUT", "/api/directory", """{ "kind": "OpenLdap", "serverUrls": [""", "/api/directory")]
    [InlineData("PUT", "/api/directory", """{"kind":"OpenLdap","serverUrls":"ldap://127.0.0.1","bindDn":5,"bindPassword":"pw","baseDn":"dc=example,dc=org"}""", "/api/directory")]
    [InlineData("PUT", "/api/directory", """{"kind":"Novell","serverUrls":["ldap://127.0.0.1"],"bindDn":"cn=a","bindPassword":"pw","baseDn":"dc=example,dc=org"}""", "/api/directory")]
    [InlineData("PUT", "/api/directory", """{"kind":"OpenLdap","serverUrls":["http://127.0.0.1"],"bindDn":"cn=a","bindPassword":"pw","baseDn":"dc=example,dc=org"}""", "/api/directory")]
    [InlineData("PUT", "/api/directory", """{"kind":"OpenLdap","serverUrls":["ldap://127.0.0.1"],"bindDn":"cn=a","bindPassword":"pw","baseDn":"not a dn"}""", "/api/directory")]
    [InlineData("PUT", "/api/directory", "[]", "/api/directory")]
    [InlineData("PUT", "/api/rescue-account", """{"apiBaseUrl":"not a url","mahEmail":"mah@example.org","mahPassword":"x","serviceToken":"t","defaultPassword":"d"}""", "/api/rescue-account")]
    [InlineData("PUT", "/api/rescue-account", """{"apiBaseUrl":"https://rescue.example/API/","mahEmail":"not-an-email","mahPassword":"x","serviceToken":"t","defaultPassword":"d"}""", "/api/rescue-account")]
    [InlineData("POST", "/api/mappings", """{"sourceGroupDn":"cn=techs,dc=example,dc=org","technicianGroupId":"seven"}""", "/api/mappings")]
    [InlineData("POST", "/api/mappings", """{"sourceGroupDn":"cn=techs,,dc=example,dc=org","technicianGroupId":7}""", "/api/mappings")]
    [InlineData("POST", "/api/mappings", """{"sourceGroupDn":"(&(cn=*))","technicianGroupId":7}""", "/api/mappings")]
    [InlineData("POST", "/api/mappings", "{ broken", "/api/mappings")]
    [InlineData("PUT", "/api/directory", """{"kind":"OpenLdap","serverUrls":["ldap://127.0.0.1"],"bindDn":"cn=a\u0000,dc=example,dc=org","bindPassword":"pw","baseDn":"dc=example,dc=org"}""", "/api/directory")]
    [InlineData("PUT", "/api/directory", """{"kind":"OpenLdap","serverUrls":["ldap://127.0.0.1"],"bindDn":"cn=a,dc=example,dc=org\r\ncn=b","bindPassword":"pw","baseDn":"dc=example,dc=org"}""", "/api/directory")]
    [InlineData("PUT", "/api/directory", """{"kind":"OpenLdap","serverUrls":["ldap://127.0.0.1"],"bindDn":"cn=a,dc=example,dc=org","bindPassword":"  ","baseDn":"dc=example,dc=org"}""", "/api/directory")]
    [InlineData("PUT", "/api/directory", """{"kind":"OpenLdap","serverUrls":["ldap://127.0.0.1"],"bindDn":"cn=a,dc=example,dc=org","bindPassword":"p\u0000w","baseDn":"dc=example,dc=org"}""", "/api/directory")]
    public async Task Invalid_body_is_refused_with_a_ProblemDetails_400_and_nothing_is_stored(string method, string path, string body, string readBack)
    {
        var before = await ReadAsync(readBack);

        using var response = await SendAsync(method, path, body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await ReadAsync(readBack));
    }

    [Theory]
    [InlineData("PUT", "/api/directory", ValidDirectory, "\"pw\"")]
    [InlineData("PUT", "/api/directories/second", ValidDirectory, "\"pw\"")]
    [InlineData("POST", "/api/mappings", """{"sourceGroupDn":"cn=techs,dc=example,dc=org","technicianGroupId":7}""", "\"cn=techs,dc=example,dc=org\"")]
    [InlineData("PUT", "/api/rescue-account", """{"apiBaseUrl":"https://rescue.example/API/","mahEmail":"mah@example.org","mahPassword":"x","serviceToken":"t","defaultPassword":"d"}""", "\"t\"")]
    public async Task A_body_over_the_APIs_one_MiB_limit_is_refused_with_413_before_it_is_read_and_nothing_is_stored(
        string method, string path, string body, string field)
    {
        // Kestrel's own limit (30,000,000 bytes) let one request hold ~30 MB of the server's pooled buffers; every body of
        // these endpoints is a few KiB.
        var before = await ReadAsync(path);
        var large = body.Replace(field, $"\"{new string('x', 1_100_000)}\"", StringComparison.Ordinal);

        using var response = await SendAsync(method, path, large);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await ReadAsync(path));
    }

    [Fact]
    public async Task Body_over_the_size_limit_is_refused_with_413_and_nothing_is_stored()
    {
        var before = await ReadAsync("/api/directory");
        var huge = ValidDirectory.Replace("\"pw\"", $"\"{new string('x', 31_000_000)}\"", StringComparison.Ordinal);

        using var response = await SendAsync("PUT", "/api/directory", huge);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await ReadAsync("/api/directory"));
    }

    [Fact]
    public async Task Unknown_field_is_refused_with_a_ProblemDetails_400_and_nothing_is_stored()
    {
        var before = await ReadAsync("/api/directory");
        var body = ValidDirectory.Replace("\"pollIntervalSeconds\":5", "\"pollIntervalSeconds\":5,\"pollIntervalMinutes\":1", StringComparison.Ordinal);

        using var response = await SendAsync("PUT", "/api/directory", body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await ReadAsync("/api/directory"));
    }

    [Theory]
    [InlineData("/api/mappings", """{"sourceGroupDn":"cn=techs,dc=example,dc=org","technicianGroupId":"seven"}""", "'$.technicianGroupId'", "wrong type")]
    [InlineData("/api/mappings", """{"sourceGroupDn":"cn=techs,dc=example,dc=org","technicianGroupId":1e20}""", "'$.technicianGroupId'", "wrong type")]
    [InlineData("/api/mappings", """{"sourceGroupDn":"cn=techs\ud800,dc=example,dc=org","technicianGroupId":7}""", "'$.sourceGroupDn'", "not valid text")]
    [InlineData("/api/mappings", "{ broken", "the body", "not valid JSON")]
    [InlineData("/api/directory", """{"kind":"Novell","serverUrls":["ldap://127.0.0.1"],"bindDn":"cn=a","bindPassword":"pw","baseDn":"dc=example,dc=org"}""", "'$.kind'", "not one of the allowed values")]
    [InlineData("/api/directory", """{"kind":1,"serverUrls":["ldap://127.0.0.1"],"bindDn":"cn=a","bindPassword":"pw","baseDn":"dc=example,dc=org"}""", "'$.kind'", "not one of the allowed values")]
    [InlineData("/api/directory", """{"kind":"OpenLdap","serverUrls":["ldap://127.0.0.1"],"bindDn":"cn=a","bindPassword":"pw","baseDn":"dc=example,dc=org","pollIntervalMinutes":1}""", "'pollIntervalMinutes'", "is not a field")]
    [InlineData("/api/directory", """{"kind":"OpenLdap","serverUrls":["ldap://127.0.0.1"],"bindDn":"cn=a","bindPassword":"pw"}""", "the body", "missing")]
    public async Task An_unreadable_body_gets_a_400_naming_the_field_and_the_problem_in_the_APIs_words(string path, string body, string field, string problem)
    {
        var before = await ReadAsync(path);

        using var response = await SendAsync(path == "/api/mappings" ? "POST" : "PUT", path, body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains(field, detail, StringComparison.Ordinal);
        Assert.Contains(problem, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("RescueAdSync.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        Assert.Equal(before, await ReadAsync(path));
    }

    [Fact]
    public async Task A_chunked_body_over_the_size_limit_is_refused_with_413()
    {
        var before = await ReadAsync("/api/directory");
        // No Content-Length: the server learns the size only while it reads, past the API's 1 MiB limit. A raw connection,
        // so the client stops sending as soon as the answer arrives (HttpClient would write on into a closed socket).
        var url = new Uri(_http.BaseAddress!, "/api/directory");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();
        var head = $"PUT {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nAuthorization: Bearer {_adminKey}\r\n" +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var chunk = Encoding.ASCII.GetBytes($"{64 * 1024:x}\r\n{new string(' ', 64 * 1024)}\r\n");
        var sent = 0L;
        for (; sent < 50_000_000 && tcp.Available == 0; sent += 64 * 1024)
        {
            try
            {
                await stream.WriteAsync(chunk);
            }
            catch (IOException)
            {
                break; // the server answered and closed its side: the answer is waiting in our receive buffer
            }
        }

        var answer = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal)
            && await stream.ReadAsync(buffer, timeout.Token) is var read and > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 413", answer.ToString(), StringComparison.Ordinal);
        // What the client could write before the refusal: the 1 MiB the server read plus what the sockets buffer between
        // them. At Kestrel's own limit the server read 30,000,000 bytes first.
        Assert.True(sent < 30_000_000, $"{sent:N0} bytes were sent before the 413");
        Assert.Equal(before, await ReadAsync("/api/directory"));
    }

    [Theory]
    [InlineData("", "user")]
    [InlineData("user=", "user")]
    [InlineData("user=%20%09", "user")]
    [InlineData("user=<257 characters>", "user")]
    [InlineData("user=a&take=0", "take")]
    [InlineData("user=a&take=501", "take")]
    [InlineData("user=a&take=2147483647", "take")]
    [InlineData("user=a&skip=-1", "skip")]
    public async Task History_query_out_of_bounds_is_refused_with_a_ProblemDetails_400_naming_the_parameter(string query, string field)
    {
        using var response = await _http.GetAsync($"/api/history?{query.Replace("<257 characters>", new string('a', 257), StringComparison.Ordinal)}");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"no error for '{field}': {errors}");
    }

    [Fact]
    public async Task History_query_with_sql_or_like_syntax_is_matched_literally_and_an_unknown_user_is_an_empty_list()
    {
        using var provisioner = new HttpClient { BaseAddress = _http.BaseAddress };
        provisioner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _provisionerKey);
        var id = Guid.NewGuid().ToString("D");
        using var stored = await provisioner.PostAsync("/api/history/batch", new StringContent(
            $$"""[{"action":"Created","mappingId":"{{Guid.NewGuid()}}","directoryUserId":"{{id}}","displayName":"Wanda Wild","email":"wanda@example.org","login":"wwild","distinguishedName":null,"technicianNodeId":9,"version":1,"state":"Enabled"}]""",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, stored.StatusCode);

        foreach (var term in new[] { "%", "_", "%%", "w%d", "w_ld", @"\", "'", "\"", "' OR '1'='1", "'; DROP TABLE user_history; --", "\" OR 1=1 --", "nobody-at-all" })
        {
            using var response = await _http.GetAsync($"/api/history?user={Uri.EscapeDataString(term)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("[]", await response.Content.ReadAsStringAsync());
        }

        using var found = await _http.GetAsync("/api/history?user=wanda%20wild");
        Assert.Equal(id, JsonDocument.Parse(await found.Content.ReadAsStringAsync()).RootElement[0].GetProperty("directoryUserId").GetString());
    }

    [Fact]
    public async Task A_thousand_server_URLs_are_refused_naming_serverUrls()
    {
        var before = await ReadAsync("/api/directory");
        var urls = string.Join(',', Enumerable.Range(0, 1000).Select(i => $"\"ldap://dc{i}.example.org\""));

        using var response = await SendAsync("PUT", "/api/directory", ValidDirectory.Replace("[\"ldap://127.0.0.1:389\"]", $"[{urls}]", StringComparison.Ordinal));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("serverUrls", out _));
        Assert.Equal(before, await ReadAsync("/api/directory"));
    }

    [Fact]
    public async Task An_unreadable_If_Match_is_412_and_nothing_is_written()
    {
        using (var stored = await SendAsync("PUT", "/api/directories/if-match", ValidDirectory))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        var before = await ReadAsync("/api/directories/if-match");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/directories/if-match")
        {
            Content = new StringContent(ValidDirectory.Replace("\"pollIntervalSeconds\":5", "\"pollIntervalSeconds\":9", StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "garbage");

        using var response = await _http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(before, await ReadAsync("/api/directories/if-match"));
    }

    [Fact]
    public async Task Concurrent_PUTs_without_If_Match_all_succeed_and_the_last_writer_wins()
    {
        for (var round = 0; round < 3; round++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(1, 16).Select(async i =>
            {
                using var response = await SendAsync("PUT", "/api/directories/racing",
                    ValidDirectory.Replace("\"pollIntervalSeconds\":5", $"\"pollIntervalSeconds\":{100 + i}", StringComparison.Ordinal));
                return response.StatusCode;
            }));

            Assert.All(responses, status => Assert.Equal(HttpStatusCode.OK, status));
            var stored = JsonDocument.Parse(await _http.GetStringAsync("/api/directories/racing")).RootElement.GetProperty("pollIntervalSeconds").GetInt32();
            Assert.InRange(stored, 101, 116);
        }
    }

    [Fact]
    public async Task A_mapping_read_again_with_its_ETag_in_If_None_Match_is_304()
    {
        using var created = await SendAsync("POST", "/api/mappings", """{"sourceGroupDn":"cn=polled,dc=example,dc=org","technicianGroupId":7}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();

        using var first = await _http.GetAsync(location);
        using var again = new HttpRequestMessage(HttpMethod.Get, location);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var response = await _http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Every_answer_says_nosniff_and_directory_credentials_say_no_store()
    {
        using (var stored = await SendAsync("PUT", "/api/directory", ValidDirectory))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        using var reader = new HttpClient { BaseAddress = _http.BaseAddress };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _readerKey);
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        using var credentials = await reader.GetAsync("/api/directory/credentials");
        using var list = await _http.GetAsync("/api/mappings");
        using var bad = await SendAsync("POST", "/api/mappings", "{ broken");
        using var unauthenticated = await anonymous.GetAsync("/api/mappings");

        Assert.Equal(HttpStatusCode.OK, credentials.StatusCode);
        Assert.True(credentials.Headers.CacheControl?.NoStore, $"Cache-Control: {credentials.Headers.CacheControl}");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        foreach (var response in new[] { credentials, list, bad, unauthenticated })
        {
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        // With 100-continue the server can refuse an oversized body from its Content-Length before the client sends it;
        // otherwise the refusal closes the connection under the upload and the client sees a broken pipe, not the 413.
        request.Headers.ExpectContinue = true;
        return await _http.SendAsync(request);
    }

    // A 404 ProblemDetails carries a fresh traceId each time: "not there" is compared by status alone.
    private async Task<string> ReadAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return response.StatusCode == HttpStatusCode.NotFound ? "404" : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
    }
}
