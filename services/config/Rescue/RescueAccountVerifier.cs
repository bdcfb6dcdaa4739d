using System.Net.Sockets;
using RescueAdSync.ServiceDefaults.Rescue;

namespace RescueAdSync.Config.Rescue;

/// <summary>
/// Calls Rescue's getAccount.aspx with the service token before an account is stored, so that a wrong token or URL
/// is an error at set-up rather than a sync that fails later. Deliberately tiny and local: one form POST, no retries
/// (the operator is waiting and can submit again), a short timeout.
/// </summary>
public sealed class RescueAccountVerifier(HttpClient http, ILogger<RescueAccountVerifier> logger)
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
            if ((int)response.StatusCode >= 500)
            {
                return Unreachable(url, $"HTTP {(int)response.StatusCode}");
            }

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

        RescueResponse answer;
        try
        {
            answer = RescueResponseParser.Parse(body);
        }
        catch (RescueResponseFormatException)
        {
            return NotRescue(url, "the answer does not start with a Rescue result code");
        }

        var result = answer.Code;
        switch (result)
        {
            case "OK":
                var accountId = answer.Values.GetValueOrDefault("AccountID");
                if (string.IsNullOrEmpty(accountId))
                {
                    return NotRescue(url, "OK without an AccountID");
                }

                logger.RescueAccountVerified(accountId, url);
                return RescueVerification.Ok(accountId, answer.Values.GetValueOrDefault("Organization"));
            case "INVALID_SECRETAUTHCODE" or "NOTLOGGEDIN":
                return RescueVerification.Failed("serviceToken",
                    $"Rescue refused the service token ({result}). Generate a new one in the Admin Center (Global Settings) and submit it.");
            default:
                return RescueVerification.Failed("apiBaseUrl", $"Rescue answered {result} to getAccount at {url}.");
        }
    }

    /// <summary>Checks that <paramref name="nodeId"/> is a Technician Group of the account (getHierarchy_v2 asked about that node).</summary>
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
                var problem = $"Rescue could not be asked about node {nodeId}: HTTP {(int)response.StatusCode}.";
                return (int)response.StatusCode >= 500
                    ? RescueVerification.NotReached("technicianGroupId", problem)
                    : RescueVerification.Failed("technicianGroupId", problem);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RescueVerification.NotReached("technicianGroupId", $"Rescue could not be asked about node {nodeId}: no answer within {Timeout.TotalSeconds:0} seconds.");
        }
        catch (HttpRequestException exception)
        {
            return RescueVerification.NotReached("technicianGroupId", $"Rescue could not be asked about node {nodeId}: {exception.Message}");
        }

        RescueResponse answer;
        try
        {
            answer = RescueResponseParser.Parse(body);
        }
        catch (RescueResponseFormatException exception)
        {
            return RescueVerification.Failed("technicianGroupId", $"Rescue's answer about node {nodeId} could not be read: {exception.Message}");
        }

        if (answer.Code == "INVALIDPARAM_NODE")
        {
            return RescueVerification.Failed("technicianGroupId", $"Rescue has no node {nodeId}.");
        }

        if (!answer.IsOk)
        {
            return RescueVerification.Failed("technicianGroupId", $"Rescue answered {answer.Code} when asked about node {nodeId}.");
        }

        // The answer may hold the whole organization, Root first: only the block of the node asked about counts.
        if (answer.Node(nodeId) is not { } node)
        {
            return RescueVerification.Failed("technicianGroupId", $"Rescue has no node {nodeId} that this account can see.");
        }

        var type = node.GetValueOrDefault("Type");
        return string.Equals(type, "TechnicianGroup", StringComparison.OrdinalIgnoreCase)
            ? RescueVerification.Ok(null, node.GetValueOrDefault("Name"))
            : RescueVerification.Failed("technicianGroupId", $"Rescue node {nodeId} is a {(string.IsNullOrEmpty(type) ? "node of unknown type" : type)}, not a Technician Group.");
    }

    private static RescueVerification Unreachable(Uri url, string reason) =>
        RescueVerification.NotReached("apiBaseUrl", $"The Rescue API at {url} could not be reached: {reason}.");

    private static RescueVerification NotRescue(Uri url, string reason) =>
        RescueVerification.Failed("apiBaseUrl", $"{url} did not answer like the Rescue API ({reason}). Check the API base URL.");
}
