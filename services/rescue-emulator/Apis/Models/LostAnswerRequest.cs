namespace RescueAdSync.RescueEmulator.Apis.Models;

/// <summary>The next Count calls of Method are carried out, but their connection is aborted instead of answering.</summary>
public sealed record LostAnswerRequest(string Method, int Count);
