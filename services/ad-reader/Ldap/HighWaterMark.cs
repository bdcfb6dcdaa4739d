namespace RescueAdSync.AdReader.Ldap;

/// <summary>The directory's newest change when a cycle starts.</summary>
/// <param name="Version">As a comparable version: highestCommittedUSN (AD) or the newest contextCSN as a version (OpenLDAP).</param>
/// <param name="Token">As the server writes it, for filters: the USN in decimal, or the raw contextCSN.</param>
/// <param name="ServerIdentity">
/// Whose numbering the version is in. AD USNs are local to one DC database, so this is the DC's invocationId (it
/// changes on a restore too); OpenLDAP CSNs are global timestamps, so it is constant.
/// </param>
public sealed record HighWaterMark(long Version, string Token, string ServerIdentity);
