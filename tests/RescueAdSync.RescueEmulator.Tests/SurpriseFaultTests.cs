using System.Net;
using System.Net.Http.Json;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Tests;

/// <summary>POST /admin/faults/surprise: answers outside the Rescue contract, for the reliability suite.</summary>
public sealed class SurpriseFaultTests(EmulatorFactory factory) : IClassFixture<EmulatorFactory>
{
    [Fact]
    public async Task Unknown_code_answers_only_the_named_method_and_does_not_apply_the_call()
    {
        var org = await factory.CreateOrganizationAsync();
        await SetAsync(new SurpriseRequest(SurpriseInjector.UnknownCode, Method: "createUser", Count: 1));

        Assert.Equal(200, (await factory.CallAsync("getAccount", ("authcode", org.Token))).Status);
        var (status, body) = await factory.CallAsync("createUser", ("authcode", org.Token), ("parent", org.HelpdeskGroupId.ToString()));

        Assert.Equal(200, status);
        Assert.Equal($"{SurpriseInjector.UnknownCodeText}\r\n", body);
        Assert.Empty((await factory.StateAsync()).Technicians);
        // Used up: the next createUser is answered normally.
        Assert.Matches(@"^OK \d+\r\n$", (await factory.CallAsync("createUser", ("authcode", org.Token), ("parent", org.HelpdeskGroupId.ToString()))).Body);
        var calls = await factory.CreateClient().GetFromJsonAsync<List<ApiCall>>("/admin/calls");
        Assert.Equal(["OK", SurpriseInjector.UnknownCodeText, "OK"], calls!.Select(c => c.Result));
    }

    [Fact]
    public async Task Html_page_answers_with_the_status_and_text_html_and_does_not_apply_the_call()
    {
        var org = await factory.CreateOrganizationAsync();
        await SetAsync(new SurpriseRequest(SurpriseInjector.HtmlPage, Count: 2, Status: 502));

        var response = await factory.CreateClient().PostAsync("/API/createUser.aspx",
            new FormUrlEncodedContent([new("authcode", org.Token), new("parent", org.HelpdeskGroupId.ToString())]));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await factory.StateAsync()).Technicians);
        Assert.Equal(1, (await factory.CreateClient().GetFromJsonAsync<SurpriseView>("/admin/faults/surprise"))!.Remaining);
    }

    [Fact]
    public async Task Truncated_answer_applies_the_call_then_breaks_off()
    {
        var org = await factory.CreateOrganizationAsync();
        await SetAsync(new SurpriseRequest(SurpriseInjector.Truncated, Method: "createUser"));

        await Assert.ThrowsAnyAsync<Exception>(() => factory.CallAsync("createUser", ("authcode", org.Token), ("parent", org.HelpdeskGroupId.ToString())));

        // The caller could not read the answer, but the technician exists: the case where a blind retry duplicates.
        Assert.Single((await factory.StateAsync()).Technicians);
        var calls = await factory.CreateClient().GetFromJsonAsync<List<ApiCall>>("/admin/calls");
        Assert.Equal(["TRUNCATED"], calls!.Select(c => c.Result));
    }

    [Fact]
    public async Task Clearing_the_faults_clears_the_surprise_and_an_unknown_kind_is_refused()
    {
        var org = await factory.CreateOrganizationAsync();
        await SetAsync(new SurpriseRequest(SurpriseInjector.UnknownCode, Count: 5));
        (await factory.CreateClient().DeleteAsync("/admin/faults")).EnsureSuccessStatusCode();
        Assert.Equal(200, (await factory.CallAsync("getAccount", ("authcode", org.Token))).Status);
        Assert.StartsWith("OK", (await factory.CallAsync("getAccount", ("authcode", org.Token))).Body, StringComparison.Ordinal);

        var refused = await factory.CreateClient().PostAsJsonAsync("/admin/faults/surprise", new SurpriseRequest("gremlins"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private async Task SetAsync(SurpriseRequest request) =>
        (await factory.CreateClient().PostAsJsonAsync("/admin/faults/surprise", request)).EnsureSuccessStatusCode();
}
