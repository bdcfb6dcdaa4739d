using Microsoft.AspNetCore.Mvc;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// How large a request body each endpoint reads. Kestrel buffers a JSON body in its pinned memory pool until the longest
/// token is complete and keeps those blocks after the request (it gives back about 1 % of them every 10 s while requests
/// keep coming), so the limit is what one request can add to the service's memory for many minutes: a client sending
/// bodies near Kestrel's 30 MB default grew the pool by tens of MB (docs/reliability.md, "Memory under a probe").
/// </summary>
public static class BodyLimits
{
    /// <summary>
    /// Every body of the API unless an endpoint says otherwise: the largest settings and records (a directory with a 64 KiB
    /// CA bundle, a batch of 100 links or history entries) are a small part of it.
    /// </summary>
    public const long Default = 1024 * 1024;

    /// <summary>A held plan lists up to 5,000 changes and a preview plan every member of a mapping: Kestrel's own default.</summary>
    public const long Plans = 30_000_000;

    /// <summary>Refuses a body longer than <paramref name="bytes"/> with 413, before it is read when its length is declared.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestSizeLimitAttribute(bytes));
}
