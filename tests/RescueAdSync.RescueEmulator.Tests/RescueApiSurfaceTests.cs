extern alias provisioner;

using System.Reflection;
using provisioner::RescueAdSync.Provisioner.Rescue;
using Refit;

namespace RescueAdSync.RescueEmulator.Tests;

/// <summary>Rules 1 and 4 (docs/rules.md): deleteNode and moveNode cannot be reached from the provisioner.</summary>
public sealed class RescueApiSurfaceTests
{
    private static readonly Assembly Provisioner = typeof(IRescueApi).Assembly;

    [Fact]
    public void The_refit_interface_has_no_method_targeting_delete_node_or_move_node()
    {
        var paths = typeof(IRescueApi).GetMethods()
            .Select(m => m.GetCustomAttribute<HttpMethodAttribute>()?.Path ?? throw new InvalidOperationException($"{m.Name} has no HTTP attribute"))
            .ToList();

        Assert.Equal(6, paths.Count);
        Assert.DoesNotContain(paths, p => p.Contains("deleteNode", StringComparison.OrdinalIgnoreCase) || p.Contains("moveNode", StringComparison.OrdinalIgnoreCase));
        Assert.All(paths, p => Assert.Contains(p, new[]
        {
            "/getAccount.aspx", "/getHierarchy_v2.aspx", "/getGroup.aspx", "/getUser_v3.aspx", "/createUser.aspx", "/setUser_v2.aspx",
        }));
    }

    [Fact]
    public void No_other_refit_interface_in_the_provisioner_targets_delete_node_or_move_node()
    {
        var offending = Provisioner.GetTypes()
            .Where(t => t.IsInterface)
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttribute<HttpMethodAttribute>()?.Path)
            .Where(p => p is not null && (p.Contains("deleteNode", StringComparison.OrdinalIgnoreCase) || p.Contains("moveNode", StringComparison.OrdinalIgnoreCase)));

        Assert.Empty(offending);
    }
}
