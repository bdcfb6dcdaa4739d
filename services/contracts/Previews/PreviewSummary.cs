namespace RescueAdSync.Contracts.Previews;

/// <summary>How many technicians each action concerns; <see cref="NoChange"/> counts users the sync would leave as they are.</summary>
public sealed record PreviewSummary(int Create, int Link, int Update, int Enable, int Disable, int Skip, int NoChange)
{
    /// <summary>Counts the items per action.</summary>
    public static PreviewSummary Of(IReadOnlyCollection<PreviewItem> items, int noChange) => new(
        items.Count(i => i.Action == PreviewAction.Create),
        items.Count(i => i.Action == PreviewAction.Link),
        items.Count(i => i.Action == PreviewAction.Update),
        items.Count(i => i.Action == PreviewAction.Enable),
        items.Count(i => i.Action == PreviewAction.Disable),
        items.Count(i => i.Action == PreviewAction.Skip),
        noChange);
}
