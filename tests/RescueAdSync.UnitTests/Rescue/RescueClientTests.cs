using System.Net;
using Microsoft.Extensions.Time.Testing;
using RescueAdSync.Provisioner.Rescue;

namespace RescueAdSync.UnitTests.Rescue;

public sealed class RescueClientTests
{
    private readonly StubRescueServer _server = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RescueClient _client;

    public RescueClientTests() => _client = new RescueClient(_server, _server, _time);

    [Fact]
    public async Task Set_user_posts_every_required_field_with_the_token_as_authcode_to_the_aspx_url()
    {
        await _client.SetUserAsync(new SetUserCommand(42, "Ann Smith", "ann@example.com", Enabled: true, MobileAddon: true, RpatAddon: false, Password: "Default-Pass1"), default);

        var (uri, form) = Assert.Single(_server.Requests);
        Assert.Equal("https://rescue.test/API/setUser_v2.aspx", uri.ToString());
        Assert.Equal(StubRescueServer.Token, form["authcode"]);
        Assert.Equal("42", form["node"]);
        Assert.Equal("Ann Smith", form["name"]);
        Assert.Equal("Enabled", form["status"]);
        Assert.Equal("True", form["mobileaddon"]);
        Assert.Equal("False", form["rpataddon"]);
        Assert.Equal("Default-Pass1", form["pwd"]);
        Assert.Equal("Default-Pass1", form["confpwd"]);
        Assert.False(form.ContainsKey("nick"));
    }

    [Fact]
    public async Task Disabling_always_sends_mobileaddon_false_to_free_the_licence()
    {
        await _client.SetUserAsync(new SetUserCommand(42, "Ann", "ann@example.com", Enabled: false, MobileAddon: true, RpatAddon: false), default);

        Assert.Equal("Disabled", _server.Requests[0].Form["status"]);
        Assert.Equal("False", _server.Requests[0].Form["mobileaddon"]);
    }

    [Fact]
    public async Task Create_user_returns_the_id_of_ok_with_a_bare_value()
    {
        _server.Respond = _ => StubRescueServer.Text("OK 98765\r\n");

        Assert.Equal(98765, await _client.CreateUserAsync(7, default));
        Assert.Equal("7", _server.Requests[0].Form["parent"]);
    }

    [Fact]
    public async Task Find_by_email_returns_null_when_no_such_user()
    {
        _server.Respond = _ => StubRescueServer.Text("INVALIDPARAM_EMAIL\r\n");

        Assert.Null(await _client.FindByEmailAsync("nobody@example.com", default));
    }

    [Fact]
    public async Task Find_by_email_maps_every_field()
    {
        _server.Respond = _ => StubRescueServer.Text(
            "OK NODEID: 5 NAME: Ann Smith NICK: ann EMAIL: ann@example.com SSOID: guid-1 DESCRIPTION: Desk TYPE: Technician "
            + "HASMOBILEADDON: True HASRPATADDON: False ISACCOUNTHOLDER: False STATUS: Disabled MUSTCHANGEPASSWORD: True");

        var technician = await _client.FindByEmailAsync("ann@example.com", default);

        Assert.Equal(new RescueTechnician(5, "Ann Smith", "ann", "ann@example.com", "guid-1", "Desk", "Technician", true, false, "Disabled", true), technician);
        Assert.False(technician!.Enabled);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task Throttling_and_unavailability_are_retryable_with_retry_after(HttpStatusCode status)
    {
        _server.Respond = _ =>
        {
            var response = StubRescueServer.Text("busy", status);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return response;
        };

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => _client.GetAccountAsync(default));

        Assert.Equal(RescueErrorKind.Retryable, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Equal($"HTTP_{(int)status}", ex.Code);
        Assert.Equal("getAccount", ex.Method);
    }

    [Theory]
    [InlineData(90, 90)]
    [InlineData(-30, 0)]
    public async Task A_retry_after_date_becomes_the_wait_from_now_and_a_past_date_no_wait(int secondsFromNow, int expectedSeconds)
    {
        _server.Respond = _ =>
        {
            var response = StubRescueServer.Text("busy", HttpStatusCode.TooManyRequests);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(_time.GetUtcNow().AddSeconds(secondsFromNow));
            return response;
        };

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => _client.GetAccountAsync(default));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ex.RetryAfter);
    }

    [Fact]
    public async Task Transport_error_is_retryable()
    {
        _server.Respond = _ => throw new HttpRequestException("Connection reset by peer");

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => _client.GetHierarchyAsync(default));

        Assert.Equal(RescueErrorKind.Retryable, ex.Kind);
        Assert.Equal("TRANSPORT", ex.Code);
    }

    [Fact]
    public async Task Timeout_is_retryable_but_caller_cancellation_is_not_wrapped()
    {
        _server.Respond = _ => throw new TaskCanceledException("timeout");
        var timeout = await Assert.ThrowsAsync<RescueApiException>(() => _client.GetHierarchyAsync(default));
        Assert.Equal(RescueErrorKind.Retryable, timeout.Kind);
        Assert.Equal("TIMEOUT", timeout.Code);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _client.GetHierarchyAsync(cancelled.Token));
    }

    [Fact]
    public async Task Bad_token_is_an_authentication_error_whose_message_hides_the_token()
    {
        _server.Respond = _ => StubRescueServer.Text("INVALID_SECRETAUTHCODE");

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => _client.GetAsync(1, default));

        Assert.Equal(RescueErrorKind.Authentication, ex.Kind);
        Assert.Equal("INVALID_SECRETAUTHCODE", ex.Code);
        Assert.DoesNotContain(StubRescueServer.Token, ex.ToString());
    }

    [Fact]
    public async Task Password_policy_failure_is_permanent_and_the_password_never_appears()
    {
        _server.Respond = _ => StubRescueServer.Text("INVALIDPARAM_PWD_TOO_SHORT");
        var command = new SetUserCommand(1, "Ann", "ann@example.com", true, false, false, Password: "Sh0rt");

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => _client.SetUserAsync(command, default));

        Assert.Equal(RescueErrorKind.Permanent, ex.Kind);
        Assert.DoesNotContain("Sh0rt", ex.ToString());
        Assert.DoesNotContain("Sh0rt", command.ToString());
    }

    [Fact]
    public async Task Unknown_code_is_permanent_and_says_so()
    {
        _server.Respond = _ => StubRescueServer.Text("BRAND_NEW_CODE");

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => _client.GetAccountAsync(default));

        Assert.Equal(RescueErrorKind.Permanent, ex.Kind);
        Assert.Equal("BRAND_NEW_CODE", ex.Code);
        Assert.Contains("does not know", ex.Message);
    }

    [Fact]
    public async Task Html_page_with_200_is_a_permanent_malformed_response()
    {
        _server.Respond = _ => StubRescueServer.Text("<html><head><title>Login</title></head></html>");

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => _client.GetAccountAsync(default));

        Assert.Equal(RescueErrorKind.Permanent, ex.Kind);
        Assert.Equal("MALFORMED_RESPONSE", ex.Code);
    }

    [Fact]
    public async Task Ok_without_the_expected_id_is_a_malformed_response_not_a_crash()
    {
        _server.Respond = _ => StubRescueServer.Text("OK\r\nNAME: Ann\r\n");

        var ex = await Assert.ThrowsAsync<RescueApiException>(() => _client.GetAsync(5, default));

        Assert.Equal("MALFORMED_RESPONSE", ex.Code);
    }
}
