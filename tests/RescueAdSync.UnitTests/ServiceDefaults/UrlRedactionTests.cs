using RescueAdSync.ServiceDefaults.Tracing;

namespace RescueAdSync.UnitTests.ServiceDefaults;

public sealed class UrlRedactionTests
{
    [Theory]
    [InlineData("https://secure.logmeinrescue.com/API/getUser_v3.aspx?authcode=abc123&node=5",
        "https://secure.logmeinrescue.com/API/getUser_v3.aspx?authcode=Redacted&node=Redacted")]
    [InlineData("http://config:8080/api/links/batch", "http://config:8080/api/links/batch")]
    [InlineData("http://user:pass@host/path?token=t#frag", "http://host/path?token=Redacted")]
    [InlineData("http://host/p?barewordtoken", "http://host/p?Redacted")]
    [InlineData("http://host/p?a=&=x&&b=1", "http://host/p?a=Redacted&Redacted&&b=Redacted")]
    [InlineData("http://[::1]:5000/p?x=1", "http://[::1]:5000/p?x=Redacted")]
    public void Every_query_value_user_info_and_fragment_is_gone(string url, string expected) =>
        Assert.Equal(expected, UrlRedaction.Redact(new Uri(url)));

    [Fact]
    public void A_query_string_alone_is_redacted_too() =>
        Assert.Equal("?code=Redacted&state=Redacted", UrlRedaction.RedactQuery("?code=secret&state=xyz"));
}
