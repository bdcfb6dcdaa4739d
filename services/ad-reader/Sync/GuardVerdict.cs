namespace RescueAdSync.AdReader.Sync;

/// <summary>What the mass-change guard found in one cycle: the counts, and why it holds (null: it lets the cycle through).</summary>
public sealed record GuardVerdict(int Disables, int EnabledMembers, string? HoldReason)
{
    public bool Holds => HoldReason is not null;
}
