using System.Text.Json;
using RescueAdSync.Config.ReaderStates;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

public sealed class LegacyReaderStateDocumentTests
{
    [Fact]
    public void The_users_are_taken_out_of_the_document_and_everything_else_stays()
    {
        var (head, users) = LegacyReaderStateDocument.Split(
            """{"mark":{"version":5},"users":{"a":["A \"q\"","a@x","cn=a","Deleted",7],"b":{"displayName":"B","email":"","distinguishedName":"cn=b","state":"Enabled","version":8}},"cookie":"AQ=="}""");

        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse("""{"mark":{"version":5},"cookie":"AQ=="}""").RootElement, JsonDocument.Parse(head).RootElement));
        Assert.Equal(
            [new ReaderStateUser("a", "A \"q\"", "a@x", "cn=a", UserState.Deleted, 7), new ReaderStateUser("b", "B", "", "cn=b", UserState.Enabled, 8)],
            users);
    }

    [Fact]
    public void A_document_without_users_is_kept_as_it_is()
    {
        var (head, users) = LegacyReaderStateDocument.Split("""{"usn":1}""");

        Assert.Equal("""{"usn":1}""", head);
        Assert.Empty(users);
    }

    [Theory]
    [InlineData("""{"a":["n","e","dn","Enabled"]}""", "Known user a")]
    [InlineData("""{"a":["n","e","dn","Enabled","x"]}""", "version")]
    [InlineData("""{"a":["n","e","dn","Gone",1]}""", "unknown state")]
    [InlineData("""{"a":[1,"e","dn","Enabled",1]}""", "strings")]
    [InlineData("""{"a":"n"}""", "Known user a")]
    [InlineData("""[]""", "object keyed by directory id")]
    public void A_damaged_user_list_is_an_error_naming_the_user_and_the_problem(string users, string expected)
    {
        var error = Assert.Throws<JsonException>(() => LegacyReaderStateDocument.Split($$"""{"mark":{},"users":{{users}}}"""));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
