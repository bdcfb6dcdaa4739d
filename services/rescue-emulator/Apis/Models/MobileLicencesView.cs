namespace RescueAdSync.RescueEmulator.Apis.Models;

public sealed record MobileLicencesView(int Total, int Used);
