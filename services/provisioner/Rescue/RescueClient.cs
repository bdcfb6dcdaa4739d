using System.Diagnostics;
using System.Globalization;
using System.Net;
using Refit;
using RescueAdSync.ServiceDefaults.Rescue;

namespace RescueAdSync.Provisioner.Rescue;

/// <summary>
/// <see cref="IRescueClient"/> over the Refit <see cref="IRescueApi"/>. The base URL and token come from
/// <see cref="IRescueCredentialsSource"/> on every call, so a token replaced in the config service is used at once.
/// No retries here: retries live in one layer (MassTransit redelivery), and createUser is not idempotent.
/// </summary>
public sealed class RescueClient(IHttpClientFactory httpClientFactory, IRescueCredentialsSource credentialsSource, TimeProvider time) : IRescueClient
{
    public const string HttpClientName = "rescue";

    // The proxy is source-generated at build time, so making one per call costs an allocation, no reflection.
    // A fresh factory client per call keeps the factory's handler rotation (DNS changes) that a proxy cached per
    // base URL would pin, and follows a base URL changed in the config service at once.
    private static readonly RefitSettings Settings = new();

    public async Task<RescueTechnician?> FindByEmailAsync(string email, CancellationToken ct)
    {
        var response = await CallAsync("getUser_v3", (api, form) => api.GetUserAsync(form, ct), new() { ["email"] = email }, ct, "INVALIDPARAM_EMAIL");
        return response.IsOk ? ToTechnician(response) : null;
    }

    public async Task<RescueTechnician?> GetAsync(long nodeId, CancellationToken ct)
    {
        var response = await CallAsync("getUser_v3", (api, form) => api.GetUserAsync(form, ct), new() { ["node"] = Text(nodeId) }, ct, "INVALIDPARAM_NODE");
        return response.IsOk ? ToTechnician(response) : null;
    }

    public async Task<long> CreateUserAsync(long parentGroupId, CancellationToken ct)
    {
        var response = await CallAsync("createUser", (api, form) => api.CreateUserAsync(form, ct), new() { ["parent"] = Text(parentGroupId) }, ct);
        // "OK 12345" per the documentation; a NODEID item is accepted too, in case the layout differs.
        var idText = response.Inline ?? response.Values.GetValueOrDefault("NODEID");
        return long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw Malformed("createUser", "OK without the new node id");
    }

    public async Task SetUserAsync(SetUserCommand command, CancellationToken ct)
    {
        var form = new Dictionary<string, string>
        {
            ["node"] = Text(command.NodeId),
            ["name"] = command.Name,
            ["email"] = command.Email,
            ["status"] = command.Enabled ? "Enabled" : "Disabled",
            // Disabled always goes with mobileaddon=False: that is what frees the licence (docs/rescue-api.md).
            ["mobileaddon"] = command.Enabled && command.MobileAddon ? "True" : "False",
            ["rpataddon"] = command.RpatAddon ? "True" : "False",
        };
        if (command.Nick is not null)
        {
            form["nick"] = command.Nick;
        }

        if (command.SsoId is not null)
        {
            form["ssoid"] = command.SsoId;
        }

        if (command.Description is not null)
        {
            form["description"] = command.Description;
        }

        if (command.Password is not null)
        {
            form["pwd"] = form["confpwd"] = command.Password;
        }

        await CallAsync("setUser_v2", (api, f) => api.SetUserAsync(f, ct), form, ct);
    }

    public Task<IReadOnlyList<RescueNode>> GetHierarchyAsync(CancellationToken ct) => GetHierarchyAsync([], ct);

    public Task<IReadOnlyList<RescueNode>> GetHierarchyAsync(long node, CancellationToken ct) =>
        GetHierarchyAsync(new Dictionary<string, string> { ["node"] = Text(node) }, ct);

    private async Task<IReadOnlyList<RescueNode>> GetHierarchyAsync(Dictionary<string, string> form, CancellationToken ct)
    {
        var response = await CallAsync("getHierarchy_v2", (api, f) => api.GetHierarchyAsync(f, ct), form, ct);
        return [.. response.Nodes.Select(n => new RescueNode(
            Int64(n, "NodeID", "getHierarchy_v2"), Int64(n, "ParentID", "getHierarchy_v2"), n.GetValueOrDefault("Name", ""),
            n.GetValueOrDefault("Email", ""), n.GetValueOrDefault("Description", ""), n.GetValueOrDefault("Status", ""), n.GetValueOrDefault("Type", "")))];
    }

    public async Task<RescueAccountInfo> GetAccountAsync(CancellationToken ct)
    {
        var response = await CallAsync("getAccount", (api, form) => api.GetAccountAsync(form, ct), [], ct);
        var v = response.Values;
        return new RescueAccountInfo(Int64(v, "AccountID", "getAccount"), v.GetValueOrDefault("Organization", ""),
            Int64(v, "AdminID", "getAccount"), Int64(v, "TechID", "getAccount"), v.GetValueOrDefault("Email", ""));
    }

    /// <summary>One call: authcode added, HTTP and Rescue failures turned into <see cref="RescueApiException"/>, metrics recorded.</summary>
    /// <param name="expected">Non-OK codes the caller handles itself (e.g. "no such user").</param>
    private async Task<RescueResponse> CallAsync(
        string method,
        Func<IRescueApi, IDictionary<string, string>, Task<HttpResponseMessage>> call,
        Dictionary<string, string> form,
        CancellationToken ct,
        params string[] expected)
    {
        var credentials = await credentialsSource.GetAsync(ct);
        form["authcode"] = credentials.ServiceToken;
        var result = "TRANSPORT";
        var started = time.GetTimestamp();
        try
        {
            using var response = await call(CreateApi(credentials.ApiBaseUrl), form);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                result = $"HTTP_{(int)response.StatusCode}";
                throw FromHttpStatus(method, response);
            }
            var body = await response.Content.ReadAsStringAsync(ct);
            RescueResponse parsed;
            try
            {
                parsed = RescueResponseParser.Parse(body);
            }
            catch (RescueResponseFormatException ex)
            {
                result = "MALFORMED_RESPONSE";
                throw new RescueApiException(RescueErrorKind.Permanent, result, method, $"Rescue {method}: {ex.Message}", innerException: ex);
            }
            result = parsed.Code;
            if (parsed.IsOk || expected.Contains(parsed.Code))
            {
                return parsed;
            }

            throw FromResultCode(method, parsed);
        }
        catch (Exception ex) when (ex is not RescueApiException)
        {
            // Refit wraps whatever HttpClient.SendAsync threw in ApiRequestException ("no response received").
            var cause = ex is ApiRequestException { InnerException: { } inner } ? inner : ex;
            if (cause is OperationCanceledException && ct.IsCancellationRequested)
            {
                result = "CANCELLED";
                if (ex is OperationCanceledException)
                {
                    throw;
                }

                throw new OperationCanceledException($"Rescue {method} was cancelled.", cause, ct);
            }
            if (cause is OperationCanceledException)
            {
                // Cancelled without our token being cancelled: the HttpClient timeout fired.
                result = "TIMEOUT";
                throw new RescueApiException(RescueErrorKind.Retryable, result, method, $"Rescue {method}: timed out.", innerException: cause);
            }
            if (ex is ApiRequestException || cause is HttpRequestException or IOException)
            {
                result = "TRANSPORT";
                throw new RescueApiException(RescueErrorKind.Retryable, result, method,
                    $"Rescue {method}: transport error ({Causes(cause)})", innerException: cause);
            }
            throw;
        }
        finally
        {
            RescueMetrics.Requests.WithLabels(method, result).Inc();
            RescueMetrics.Duration.WithLabels(method, result).Observe(time.GetElapsedTime(started).TotalSeconds);
        }
    }

    private IRescueApi CreateApi(string baseUrl)
    {
        var client = httpClientFactory.CreateClient(HttpClientName);
        // Refit appends "/method.aspx" to the base path; a trailing slash would double it.
        client.BaseAddress = new Uri(baseUrl.TrimEnd('/'), UriKind.Absolute);
        return RestService.ForGenerated<IRescueApi>(client, Settings);
    }

    private RescueApiException FromHttpStatus(string method, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var code = $"HTTP_{status}";
        var kind = status switch
        {
            429 or 408 or >= 500 => RescueErrorKind.Retryable,
            401 or 403 => RescueErrorKind.Authentication,
            _ => RescueErrorKind.Permanent,
        };
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => Max(date - time.GetUtcNow(), TimeSpan.Zero),
            _ => (TimeSpan?)null,
        };
        var hint = retryAfter is { } wait ? $", retry after {wait.TotalSeconds:0.#} s" : "";
        return new RescueApiException(kind, code, method, $"Rescue {method}: HTTP {status} {response.ReasonPhrase}{hint}.", retryAfter);
    }

    private static RescueApiException FromResultCode(string method, RescueResponse response)
    {
        var kind = RescueResultCodes.Classify(response.Code) ?? RescueErrorKind.Permanent;
        var known = RescueResultCodes.IsKnown(response.Code) ? "" : " (a code this client does not know)";
        // Inline text is the service's reason for ERROR; it is not an echo of our parameters.
        var reason = response.Inline is { Length: > 0 } inline ? $": {inline}" : "";
        return new RescueApiException(kind, response.Code, method, $"Rescue {method} answered {response.Code}{known}{reason}.");
    }

    private static RescueTechnician ToTechnician(RescueResponse response)
    {
        var v = response.Values;
        return new RescueTechnician(
            Int64(v, "NODEID", "getUser_v3"), v.GetValueOrDefault("NAME", ""), v.GetValueOrDefault("NICK", ""), v.GetValueOrDefault("EMAIL", ""),
            v.GetValueOrDefault("SSOID", ""), v.GetValueOrDefault("DESCRIPTION", ""), v.GetValueOrDefault("TYPE", ""),
            Bool(v, "HASMOBILEADDON"), Bool(v, "HASRPATADDON"), v.GetValueOrDefault("STATUS", ""), Bool(v, "MUSTCHANGEPASSWORD"));
    }

    private static long Int64(IReadOnlyDictionary<string, string> values, string key, string method) =>
        values.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Malformed(method, $"OK without a numeric {key}");

    private static bool Bool(IReadOnlyDictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var text) && string.Equals(text, "True", StringComparison.OrdinalIgnoreCase);

    private static RescueApiException Malformed(string method, string what) =>
        new(RescueErrorKind.Permanent, "MALFORMED_RESPONSE", method, $"Rescue {method} answered {what}.");

    /// <summary>
    /// Every exception of the chain, outermost first: HttpRequestException says only "An error occurred while sending the
    /// request", the cause the operator needs ("Connection refused", "The response ended prematurely", a TLS failure) is inside.
    /// </summary>
    internal static string Causes(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var part = $"{current.GetType().Name}: {current.Message}";
            if (!parts.Contains(part))
            {
                parts.Add(part);
            }
        }

        return string.Join(" → ", parts);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
