namespace RescueAdSync.Contracts.Config;

/// <summary>
/// When the ad-reader last stored a mapping's state, without the (possibly large) document
/// (GET /api/reader-state/{mappingId}/summary). The reader stores it after every cycle that read changes from the
/// directory and had their messages confirmed by the broker; idle cycles do not write it.
/// </summary>
/// <param name="MappingId">The mapping.</param>
/// <param name="DirectoryVersion">The directory version the state reflects (a USN, a CSN); free text.</param>
/// <param name="UpdatedAt">When the reader last stored it: the end of its last cycle that found changes.</param>
public sealed record ReaderStateSummary(Guid MappingId, string? DirectoryVersion, DateTimeOffset UpdatedAt);
