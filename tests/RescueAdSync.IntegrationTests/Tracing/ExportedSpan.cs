namespace RescueAdSync.IntegrationTests.Tracing;

/// <summary>One span as a service exported it over OTLP.</summary>
/// <param name="Service">The resource's service.name: which process sent it.</param>
/// <param name="Scope">The instrumentation scope, i.e. the ActivitySource's name.</param>
/// <param name="Kind">OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.</param>
public sealed record ExportedSpan(
    string Service,
    string Scope,
    string Name,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    int Kind,
    IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;

    public override string ToString() =>
        $"{Service} {Scope} '{Name}' kind={Kind} trace={TraceId} span={SpanId} parent={ParentSpanId} "
        + string.Join(" ", Attributes.Select(a => $"{a.Key}={a.Value}"));
}
