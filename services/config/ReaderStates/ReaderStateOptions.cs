using System.ComponentModel.DataAnnotations;

namespace RescueAdSync.Config.ReaderStates;

/// <summary>Limits for the ad-reader's stored state (section "ReaderState").</summary>
public sealed class ReaderStateOptions
{
    public const string Section = "ReaderState";

    /// <summary>64 MiB: a first write of several 100,000-member groups' known users, with room to spare.</summary>
    public const int DefaultMaxDocumentBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Largest write accepted (the document and the users of one PUT), in UTF-8 bytes; larger ones get 413. Bounded so one request cannot exhaust the
    /// service's memory (the body is held in memory while it is parsed) or bloat the database.
    /// </summary>
    [Range(1024, 512 * 1024 * 1024)]
    public int MaxDocumentBytes { get; set; } = DefaultMaxDocumentBytes;
}
