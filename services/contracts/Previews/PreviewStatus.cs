using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Previews;

/// <summary>Where a preview (dry run) stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PreviewStatus>))]
public enum PreviewStatus
{
    /// <summary>Asked for; the reader reads the mappings' directory at its next cycle.</summary>
    Pending = 0,

    /// <summary>The reader stored every mapping's desired states; the provisioner compares them with Rescue.</summary>
    Read = 1,

    /// <summary>The plan is computed: see the summary and the items.</summary>
    Ready = 2,

    /// <summary>It could not be computed: see the error (directory unreadable, Rescue refused the token, …).</summary>
    Failed = 3,
}
