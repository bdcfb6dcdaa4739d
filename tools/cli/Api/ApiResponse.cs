namespace RescueAdSync.Cli.Api;

/// <summary>A decoded answer with the headers the commands need (ETag for conditional updates, X-Total-Count for paging).</summary>
public sealed record ApiResponse<T>(T Value, string? ETag, long? TotalCount);
