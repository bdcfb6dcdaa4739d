namespace RescueAdSync.IntegrationTests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class SambaCollection : ICollectionFixture<SambaFixture>
{
    public const string Name = "samba";
}
