namespace RescueAdSync.Cli.Tests.Infrastructure;

/// <summary>One config service and emulator for all tests: starting them costs seconds, the tests isolate by mapping.</summary>
[CollectionDefinition(Name)]
public sealed class ConfigStackCollection : ICollectionFixture<ConfigStack>
{
    public const string Name = "config stack";
}
