using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Operations;

/// <summary>Where a plan held by the mass-change guard stands. Held → Approved → Applied, or Held → Rejected.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HeldPlanStatus>))]
public enum HeldPlanStatus
{
    /// <summary>Waiting for an operator; the mapping is not synchronized meanwhile.</summary>
    Held = 0,

    /// <summary>An operator approved; the reader runs the mapping once with the guard bypassed.</summary>
    Approved = 1,

    /// <summary>The approved run published its changes.</summary>
    Applied = 2,

    /// <summary>An operator discarded the plan; the mapping resumes (and is held again if the directory still looks the same).</summary>
    Rejected = 3,
}
