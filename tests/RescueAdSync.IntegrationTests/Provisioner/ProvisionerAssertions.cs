using RescueAdSync.IntegrationTests.EndToEnd;

namespace RescueAdSync.IntegrationTests.Provisioner;

/// <summary>Checks every provisioner test ends with.</summary>
public static class ProvisionerAssertions
{
    /// <summary>Rules 1 and 4 (docs/rules.md): the emulator never received deleteNode or moveNode, and no technician is deleted.</summary>
    public static async Task NeverDeletedOrMovedAsync(SyncStack stack)
    {
        var methods = await stack.Emulator.GetCalledMethodsAsync();
        Assert.DoesNotContain(methods, m => m.Equals("deleteNode", StringComparison.OrdinalIgnoreCase) || m.Equals("moveNode", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(await stack.Emulator.GetTechniciansAsync(), t => t.Deleted);
    }
}
