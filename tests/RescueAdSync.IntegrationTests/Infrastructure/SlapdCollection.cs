namespace RescueAdSync.IntegrationTests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class SlapdCollection : ICollectionFixture<SlapdFixture>
{
    public const string Name = "slapd";
}
