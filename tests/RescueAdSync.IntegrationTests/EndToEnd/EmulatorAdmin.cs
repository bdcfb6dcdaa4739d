using System.Net.Http.Json;
using System.Text.Json;

namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>The Rescue emulator's admin API, used the way a Master Account Holder uses the Admin Center.</summary>
public sealed class EmulatorAdmin(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task CreateOrganizationAsync(string name, string mahEmail, string mahPassword, int mobileLicences)
    {
        var response = await http.PostAsJsonAsync("/admin/organization", new { name, email = mahEmail, password = mahPassword, mobileLicences });
        response.EnsureSuccessStatusCode();
    }

    public async Task<long> CreateTechnicianGroupAsync(string name)
    {
        var response = await http.PostAsJsonAsync("/admin/groups", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("nodeId").GetInt64();
    }

    public async Task<string> GenerateServiceTokenAsync()
    {
        var response = await http.PostAsJsonAsync("/admin/token", new { });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("token").GetString()!;
    }

    public async Task SetDefaultPasswordAsync(string password) =>
        (await http.PutAsJsonAsync("/admin/default-password", new { password })).EnsureSuccessStatusCode();

    public async Task<IReadOnlyList<EmulatedTechnician>> GetTechniciansAsync()
    {
        var state = await http.GetFromJsonAsync<JsonElement>("/admin/state", Json);
        return state.GetProperty("technicians").Deserialize<List<EmulatedTechnician>>(Json)!;
    }

    /// <summary>The Rescue API method names received so far, in order.</summary>
    public async Task<IReadOnlyList<string>> GetCalledMethodsAsync()
    {
        var calls = await http.GetFromJsonAsync<JsonElement>("/admin/calls", Json);
        return calls.EnumerateArray().Select(c => c.GetProperty("method").GetString()!).ToList();
    }

    /// <summary>Every call received so far (or after the call numbered <paramref name="after"/>) with its parameters (secrets masked) and result code.</summary>
    public async Task<IReadOnlyList<EmulatedCall>> GetCallsAsync(string? method = null, long after = 0)
    {
        var query = $"?after={after}" + (method is null ? "" : $"&method={Uri.EscapeDataString(method)}");
        return (await http.GetFromJsonAsync<List<EmulatedCall>>($"/admin/calls{query}", Json))!;
    }

    /// <summary>A Rescue admin moves a technician to another group in the Admin Center.</summary>
    public async Task MoveTechnicianAsync(long nodeId, long groupId) =>
        (await http.PostAsJsonAsync($"/admin/technicians/{nodeId}/move", new { groupId })).EnsureSuccessStatusCode();

    /// <summary>A technician made by hand in the Admin Center, not by the sync; returns its node id.</summary>
    public async Task<long> CreateTechnicianAsync(long groupId, string name, string email, bool mobileAddon = false)
    {
        var response = await http.PostAsJsonAsync("/admin/technicians", new { groupId, name, email, mobileAddon });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("nodeId").GetInt64();
    }

    /// <summary>The next <paramref name="count"/> Rescue API calls answer HTTP <paramref name="status"/> with Retry-After.</summary>
    public async Task InjectHttpFaultAsync(int status, int retryAfterSeconds, int count) =>
        (await http.PostAsJsonAsync("/admin/faults/http", new { status, retryAfterSeconds, count })).EnsureSuccessStatusCode();

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> are carried out, but their answer is lost (connection aborted).</summary>
    public async Task LoseAnswersAsync(string method, int count) =>
        (await http.PostAsJsonAsync("/admin/faults/lost-answers", new { method, count })).EnsureSuccessStatusCode();

    public async Task SetLatencyAsync(int milliseconds) =>
        (await http.PutAsJsonAsync("/admin/faults/latency", new { milliseconds })).EnsureSuccessStatusCode();

    public async Task ClearFaultsAsync() => (await http.DeleteAsync("/admin/faults")).EnsureSuccessStatusCode();

    /// <summary>The service token stops working, as when the MAH revokes it in the Admin Center.</summary>
    public async Task RevokeServiceTokenAsync() => (await http.DeleteAsync("/admin/token")).EnsureSuccessStatusCode();

    public async Task SetMobileLicencesAsync(int count) =>
        (await http.PutAsJsonAsync("/admin/licences/mobile", new { count })).EnsureSuccessStatusCode();
}
