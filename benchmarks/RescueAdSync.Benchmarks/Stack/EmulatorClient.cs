using System.Net.Http.Json;
using System.Text.Json;

namespace RescueAdSync.Benchmarks.Stack;

/// <summary>The Rescue emulator's admin API: set up the organization like a MAH does, inject latency, observe technicians and calls.</summary>
public sealed class EmulatorClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<(long GroupId, string Token)> SetUpOrganizationAsync(string defaultPassword)
    {
        (await http.PostAsJsonAsync("/admin/organization",
            new { name = "Bench Org", email = "mah@example.org", password = "Mah-Passw0rd!", mobileLicences = 5 })).EnsureSuccessStatusCode();
        var group = await http.PostAsJsonAsync("/admin/groups", new { name = "Support" });
        group.EnsureSuccessStatusCode();
        var groupId = (await group.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("nodeId").GetInt64();
        var token = await http.PostAsJsonAsync("/admin/token", new { });
        token.EnsureSuccessStatusCode();
        var tokenText = (await token.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("token").GetString()
            ?? throw new InvalidOperationException("The emulator returned no token.");
        (await http.PutAsJsonAsync("/admin/default-password", new { password = defaultPassword })).EnsureSuccessStatusCode();
        return (groupId, tokenText);
    }

    public async Task SetLatencyAsync(int milliseconds) =>
        (await http.PutAsJsonAsync("/admin/faults/latency", new { milliseconds })).EnsureSuccessStatusCode();

    /// <summary>Technicians by email → (name, status).</summary>
    public async Task<Dictionary<string, (string Name, string Status)>> GetTechniciansAsync(CancellationToken ct = default)
    {
        var state = await http.GetFromJsonAsync<JsonElement>("/admin/state", Json, ct);
        var result = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in state.GetProperty("technicians").EnumerateArray())
        {
            result[t.GetProperty("email").GetString() ?? ""] = (t.GetProperty("name").GetString() ?? "", t.GetProperty("status").GetString() ?? "");
        }

        return result;
    }

    /// <summary>How many calls of each Rescue API method the emulator received (its log keeps the last 20,000).</summary>
    public async Task<Dictionary<string, int>> CountCallsAsync()
    {
        var calls = await http.GetFromJsonAsync<JsonElement>("/admin/calls", Json);
        return calls.EnumerateArray().GroupBy(c => c.GetProperty("method").GetString() ?? "")
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }
}
