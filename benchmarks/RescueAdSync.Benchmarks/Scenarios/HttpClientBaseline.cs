using System.Diagnostics;
using System.Globalization;
using RescueAdSync.Benchmarks.Directories;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>
/// Scenario 4's baseline: a plain HttpClient loop making, for each new user, the Rescue calls that create a
/// technician (getUser_v3 by email → not found, createUser, setUser_v2 with the default password) with
/// <c>concurrency</c> users in flight, against its own fresh emulator with the same latency.
/// </summary>
public static class HttpClientBaseline
{
    /// <returns>Users per second.</returns>
    public static async Task<double> RunAsync(string emulatorUrl, string token, long groupId, string password, int users, int concurrency, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri($"{emulatorUrl}/API/") };
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(1, users), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (i, token2) =>
        {
            var email = $"base-{OpenLdapDirectory.Email(i)}";
            var found = await CallAsync(http, "getUser_v3", new() { ["email"] = email, ["authcode"] = token }, token2);
            if (!found.StartsWith("INVALIDPARAM_EMAIL", StringComparison.Ordinal) && !found.StartsWith("OK", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"getUser_v3: {found}");
            }

            var created = await CallAsync(http, "createUser", new() { ["parent"] = groupId.ToString(CultureInfo.InvariantCulture), ["authcode"] = token }, token2);
            var node = created.StartsWith("OK ", StringComparison.Ordinal) ? created[3..].Trim() : throw new InvalidOperationException($"createUser: {created}");
            var set = await CallAsync(http, "setUser_v2", new()
            {
                ["node"] = node,
                ["name"] = $"User {i:D6}",
                ["email"] = email,
                ["status"] = "Enabled",
                ["mobileaddon"] = "False",
                ["rpataddon"] = "False",
                ["pwd"] = password,
                ["confpwd"] = password,
                ["authcode"] = token,
            }, token2);
            if (!set.StartsWith("OK", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"setUser_v2: {set}");
            }
        });
        return users / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<string> CallAsync(HttpClient http, string method, Dictionary<string, string> form, CancellationToken ct)
    {
        using var response = await http.PostAsync($"{method}.aspx", new FormUrlEncodedContent(form), ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync(ct)).Split('\r', '\n')[0];
    }
}
