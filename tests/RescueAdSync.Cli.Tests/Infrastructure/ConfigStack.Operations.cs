using System.Net.Http.Headers;
using System.Net.Http.Json;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Cli.Tests.Infrastructure;

/// <summary>Held plans, stored with the reader's key exactly as the ad-reader stores them.</summary>
public static class ConfigStackOperations
{
    public static async Task<Guid> HoldPlanAsync(this ConfigStack stack, Guid mappingId, params PlannedChange[] changes)
    {
        using var reader = new HttpClient { BaseAddress = new Uri(stack.ConfigUrl) };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stack.ReaderKey);
        var response = await reader.PostAsJsonAsync("/api/held-plans", new NewHeldPlan(mappingId,
            $"The cycle would disable {changes.Length} of {changes.Length + 1} enabled technicians, more than the mapping's limit of 2 (guardMaxDisables).",
            changes.Length, changes.Length + 1, changes.Length, changes, Guid.NewGuid()));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<HeldPlan>())!.Id;
    }

    public static async Task<string> GetPlanStatusAsync(this ConfigStack stack, Guid planId)
    {
        using var admin = new HttpClient { BaseAddress = new Uri(stack.ConfigUrl) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stack.AdminKey);
        return (await admin.GetFromJsonAsync<HeldPlan>($"/api/held-plans/{planId}"))!.Status.ToString();
    }
}
