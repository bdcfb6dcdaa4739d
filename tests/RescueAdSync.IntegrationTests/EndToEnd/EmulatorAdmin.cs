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
}
