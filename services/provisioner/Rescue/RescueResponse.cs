namespace RescueAdSync.Provisioner.Rescue;

/// <summary>
/// A parsed Rescue answer. <see cref="Values"/> is the first block of items (keys case-insensitive);
/// <see cref="Nodes"/> holds every block, one per hierarchy node; <see cref="Inline"/> is a bare value
/// after the code, like createUser's <c>OK 12345</c>.
/// </summary>
public sealed record RescueResponse(string Code, string? Inline, IReadOnlyDictionary<string, string> Values, IReadOnlyList<IReadOnlyDictionary<string, string>> Nodes)
{
    public bool IsOk => Code == "OK";

    /// <summary>False for a code that rescue-api.md does not list; the client treats it as permanent.</summary>
    public bool IsKnownCode => RescueResultCodes.IsKnown(Code);
}
