namespace RescueAdSync.Config.Web;

/// <summary>One file of the admin page, held in memory with its validator.</summary>
internal sealed record StaticAsset(string Name, byte[] Content, string ContentType, string ETag);
