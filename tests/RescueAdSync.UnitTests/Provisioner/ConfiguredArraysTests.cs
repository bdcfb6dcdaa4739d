using Microsoft.Extensions.Configuration;
using RescueAdSync.Provisioner.Configuration;

namespace RescueAdSync.UnitTests.Provisioner;

public sealed class ConfiguredArraysTests
{
    private static readonly int[] Defaults = [15, 60, 240, 960];

    [Fact]
    public void Configured_items_replace_the_default_array_instead_of_being_appended_to_it()
    {
        var configuration = Build(new() { ["P:D:0"] = "1", ["P:D:1"] = "2" });
        Assert.Equal([1, 2], ConfiguredArrays.ReplaceDefault(configuration, "P:D", Defaults));
    }

    [Fact]
    public void An_absent_key_keeps_the_default_and_an_empty_value_configures_none()
    {
        Assert.Equal(Defaults, ConfiguredArrays.ReplaceDefault(Build(new()), "P:D", Defaults));
        Assert.Empty(ConfiguredArrays.ReplaceDefault(Build(new() { ["P:D"] = "" }), "P:D", Defaults));
    }

    private static IConfiguration Build(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
