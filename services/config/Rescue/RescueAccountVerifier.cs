using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace RescueAdSync.Config.Rescue;

/// <summary>
/// Calls Rescue's getAccount.aspx with the service token before an account is stored, so that a wrong token or URL
/// is an error at set-up rather than a sync that fails later. Deliberately tiny and local: one form POST, no retries
/// (the operator is waiting and can submit again), a short timeout.
/// </summary>
public sealed partial class RescueAccountVerifier(HttpClient http, ILogger<RescueAccountVerifier> logger)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public async Task<RescueVerification> VerifyAsync(string apiBaseUrl, string serviceToken, CancellationToken cancellationToken)
    {
        var url = new Uri(new Uri(apiBaseUrl.EndsWith('/') ? apiBaseUrl : apiBaseUrl + "/"), "getAccount.aspx");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        string body;
        try
        {
            using var response = await http.PostAsync(
                url, new FormUrlEncodedContent([KeyValuePair.Create("authcode", serviceToken)]), timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return NotRescue(url, $"HTTP {(int)response.StatusCode}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unreachable(url, $"no answer within {Timeout.TotalSeconds:0} seconds");
        }
        catch (HttpRequestException exception)
        {
            var reason = exception.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : exception.Message;
            return Unreachable(url, reason);
        }

        // The contract's answer: a result code first, then KEY: value items separated by any whitespace.
        var code = ResultCode().Match(body);
        if (!code.Success)
        {
            return NotRescue(url, "the answer does not start with a Rescue result code");
        }

        var result = code.Groups[1].Value;
        switch (result)
        {
            case "OK":
                var accountId = Item(body, "AccountID");
                if (accountId is null)
                {
                    return NotRescue(url, "OK without an AccountID");
                }

                logger.LogInformation("Rescue account {AccountId} verified at {Url}", accountId, url);
                return RescueVerification.Ok(accountId, Item(body, "Organization"));
            case "INVALID_SECRETAUTHCODE" or "NOTLOGGEDIN":
                return RescueVerification.Failed("serviceToken",
                    $"Rescue refused the service token ({result}). Generate a new one in the Admin Center (Global Settings) and submit it.");
            default:
                return RescueVerification.Failed("apiBaseUrl", $"Rescue answered {result} to getAccount at {url}.");
        }
    }

    /// <summary>Checks that <paramref name="nodeId"/> is a Technician Group of the account (getHierarchy_v2 on that node alone).</summary>
    public async Task<RescueVerification> VerifyTechnicianGroupAsync(string apiBaseUrl, string serviceToken, long nodeId, CancellationToken cancellationToken)
    {
        var url = new Uri(new Uri(apiBaseUrl.EndsWith('/') ? apiBaseUrl : apiBaseUrl + "/"), "getHierarchy_v2.aspx");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        string body;
        try
        {
            using var response = await http.PostAsync(url, new FormUrlEncodedContent(
            [
                KeyValuePair.Create("authcode", serviceToken),
                KeyValuePair.Create("node", nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                KeyValuePair.Create("isnode", "true"),
            ]), timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return RescueVerification.Failed("technicianGroupId", $"Rescue could not be asked about node {nodeId}: HTTP {(int)response.StatusCode}.");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RescueVerification.Failed("technicianGroupId", $"Rescue could not be asked about node {nodeId}: no answer within {Timeout.TotalSeconds:0} seconds.");
        }
        catch (HttpRequestException exception)
        {
            return RescueVerification.Failed("technicianGroupId", $"Rescue could not be asked about node {nodeId}: {exception.Message}");
        }

        var code = ResultCode().Match(body);
        var result = code.Success ? code.Groups[1].Value : "no Rescue result code";
        if (result == "INVALIDPARAM_NODE")
        {
            return RescueVerification.Failed("technicianGroupId", $"Rescue has no node {nodeId}.");
        }

        if (result != "OK")
        {
            return RescueVerification.Failed("technicianGroupId", $"Rescue answered {result} when asked about node {nodeId}.");
        }

        var type = Item(body, "Type");
        return string.Equals(type, "TechnicianGroup", StringComparison.OrdinalIgnoreCase)
            ? RescueVerification.Ok(null, Item(body, "Name"))
            : RescueVerification.Failed("technicianGroupId", $"Rescue node {nodeId} is a {type ?? "node of unknown type"}, not a Technician Group.");
    }

    private static RescueVerification Unreachable(Uri url, string reason) =>
        RescueVerification.Failed("apiBaseUrl", $"The Rescue API at {url} could not be reached: {reason}.");

    private static RescueVerification NotRescue(Uri url, string reason) =>
        RescueVerification.Failed("apiBaseUrl", $"{url} did not answer like the Rescue API ({reason}). Check the API base URL.");

    private static string? Item(string body, string key)
    {
        // Items may share a line ("OK AccountID: 1 Organization: Acme"): a value ends at the next "Key:" or the line's end.
        var match = Regex.Match(body, $@"(?:^|\s){Regex.Escape(key)}:[ \t]*(.*?)[ \t]*(?=\s+[A-Za-z]+:|\r?$)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        return match.Success ? match.Groups[1].Value.Trim() : null;
    }

    [GeneratedRegex(@"\A\s*([A-Z][A-Z0-9_]*)(?=\s|\z)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ResultCode();
}
