using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace RescueAdSync.Cli.Api;

/// <summary>The config service's HTTP API as the operator's admin key sees it. Every failure becomes a <see cref="CliException"/>.</summary>
public sealed class ConfigApiClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;
    private readonly Uri _baseUrl;

    public ConfigApiClient(ApiConnection connection)
    {
        // A trailing slash keeps a path prefix (a reverse proxy's /adsync/) when relative paths are resolved.
        _baseUrl = connection.BaseUrl.AbsoluteUri.EndsWith('/') ? connection.BaseUrl : new Uri(connection.BaseUrl.AbsoluteUri + "/");
        _http = new HttpClient { BaseAddress = _baseUrl, Timeout = Timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.ApiKey);
    }

    public async Task<ApiResponse<T>> GetAsync<T>(string path, string what, CancellationToken cancellationToken) =>
        await SendAsync<T>(HttpMethod.Get, path, body: null, ifMatch: null, what, cancellationToken);

    /// <summary>GET that answers null on 404: "not set yet" is a normal state for the account and the directory.</summary>
    public async Task<ApiResponse<T>?> FindAsync<T>(string path, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync<T>(path, what, cancellationToken);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.NotFound)
        {
            return null;
        }
    }

    public async Task<ApiResponse<T>> SendAsync<T>(HttpMethod method, string path, object? body, string? ifMatch, string what,
        CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, body, ifMatch, what, cancellationToken);
        T? value;
        try
        {
            value = await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.ServerError, $"{what}: the config service answered something that is not the expected JSON ({e.Message}).");
        }

        if (value is null)
        {
            throw new CliException(ExitCodes.ServerError, $"{what}: the config service answered an empty body.");
        }

        var total = response.Headers.TryGetValues("X-Total-Count", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : (long?)null;
        return new ApiResponse<T>(value, response.Headers.ETag?.ToString(), total);
    }

    /// <summary>GET of a text resource (e.g. a CSV export), as the service wrote it.</summary>
    public async Task<string> GetTextAsync(string path, string what, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(HttpMethod.Get, path, body: null, ifMatch: null, what, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public async Task DeleteAsync(string path, string? ifMatch, string what, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(HttpMethod.Delete, path, body: null, ifMatch, what, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, object? body, string? ifMatch, string what,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.Unreachable, $"Cannot reach the config service at {_baseUrl}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"The config service at {_baseUrl} did not answer within {Timeout.TotalSeconds:0} s.");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ApiErrors.FromResponseAsync(response, what, cancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();
}
