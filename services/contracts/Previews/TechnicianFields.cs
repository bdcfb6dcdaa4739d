namespace RescueAdSync.Contracts.Previews;

/// <summary>A technician's fields the sync owns, before or after a planned change.</summary>
/// <param name="Name">Name.</param>
/// <param name="Email">Email.</param>
/// <param name="Enabled">Status: Enabled (true) or Disabled.</param>
public sealed record TechnicianFields(string Name, string Email, bool Enabled);
