namespace RescueAdSync.Provisioner.Configuration;

/// <summary>
/// The configuration binder appends configured array items to an array property's initial value, so
/// <c>Provisioner__RedeliveryDelaysSeconds__0=5</c> on top of the default <c>[15, 60, 240, 960]</c> gave five waits instead
/// of one. Where an array is configured at all, it replaces the default whole; an empty value
/// (<c>Provisioner__RedeliveryDelaysSeconds=</c>) configures an empty array.
/// </summary>
public static class ConfiguredArrays
{
    public static T[] ReplaceDefault<T>(IConfiguration configuration, string key, T[] current)
    {
        var section = configuration.GetSection(key);
        return section.Exists() ? section.Get<T[]>() ?? [] : current;
    }
}
