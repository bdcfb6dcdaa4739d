using Refit;

namespace RescueAdSync.Provisioner.Rescue;

/// <summary>
/// The .aspx form-POST variant of the Rescue API (docs/rescue-api.md). Answers are plain text, parsed by
/// <see cref="RescueResponseParser"/>. deleteNode and moveNode are absent on purpose: Rules 1 and 4 (docs/rules.md)
/// require that the provisioner cannot reach them, and a test checks this interface for it.
/// </summary>
public interface IRescueApi
{
    [Post("/getAccount.aspx")]
    Task<HttpResponseMessage> GetAccountAsync([Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> form, CancellationToken ct);

    [Post("/getHierarchy_v2.aspx")]
    Task<HttpResponseMessage> GetHierarchyAsync([Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> form, CancellationToken ct);

    [Post("/getGroup.aspx")]
    Task<HttpResponseMessage> GetGroupAsync([Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> form, CancellationToken ct);

    [Post("/getUser_v3.aspx")]
    Task<HttpResponseMessage> GetUserAsync([Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> form, CancellationToken ct);

    [Post("/createUser.aspx")]
    Task<HttpResponseMessage> CreateUserAsync([Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> form, CancellationToken ct);

    [Post("/setUser_v2.aspx")]
    Task<HttpResponseMessage> SetUserAsync([Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> form, CancellationToken ct);
}
