using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.ServiceDefaults.Rescue;

namespace RescueAdSync.UnitTests.Rescue;

public sealed class RescueResponseParserTests
{
    [Fact]
    public void Code_then_one_item_per_line_is_parsed()
    {
        var response = RescueResponseParser.Parse("OK\nNODEID: 1234\nNAME: Ann Smith\nEMAIL: ann@example.com\nSTATUS: Enabled\n");

        Assert.Equal("OK", response.Code);
        Assert.True(response.IsOk);
        Assert.Equal("1234", response.Values["NODEID"]);
        Assert.Equal("Ann Smith", response.Values["NAME"]);
        Assert.Equal("ann@example.com", response.Values["EMAIL"]);
        Assert.Single(response.Nodes);
    }

    [Fact]
    public void Items_separated_by_spaces_on_the_code_line_are_parsed_even_when_values_contain_spaces()
    {
        var response = RescueResponseParser.Parse("OK NODEID: 1234 NAME: Ann van der Berg EMAIL: ann@example.com DESCRIPTION: Team: EMEA STATUS: Disabled");

        Assert.Equal("1234", response.Values["NODEID"]);
        Assert.Equal("Ann van der Berg", response.Values["NAME"]);
        Assert.Equal("ann@example.com", response.Values["EMAIL"]);
        // "Team:" is not a documented key, so it stays inside the value.
        Assert.Equal("Team: EMEA", response.Values["DESCRIPTION"]);
        Assert.Equal("Disabled", response.Values["STATUS"]);
    }

    [Fact]
    public void Crlf_line_endings_are_accepted()
    {
        var response = RescueResponseParser.Parse("OK\r\nAccountID: 500123\r\nOrganization: Contoso Ltd\r\nEmail: mah@contoso.com\r\n");

        Assert.Equal("500123", response.Values["AccountID"]);
        Assert.Equal("Contoso Ltd", response.Values["Organization"]);
        Assert.DoesNotContain(response.Values.Values, v => v.Contains('\r'));
    }

    [Fact]
    public void Keys_are_matched_in_any_case()
    {
        var response = RescueResponseParser.Parse("ok\nNodeId: 7\nhasMobileAddon: True\n");

        Assert.Equal("OK", response.Code);
        Assert.Equal("7", response.Values["NODEID"]);
        Assert.Equal("7", response.Values["nodeid"]);
        Assert.Equal("True", response.Values["HASMOBILEADDON"]);
    }

    [Fact]
    public void Hierarchy_blocks_separated_by_blank_lines_become_one_node_each()
    {
        const string body = "OK\r\nNodeID: 1\r\nParentID: 0\r\nName: Contoso\r\nType: Root\r\n\r\n"
            + "NodeID: 2\r\nParentID: 1\r\nName: Helpdesk\r\nType: TechnicianGroup\r\n\r\n\r\n"
            + "NodeID: 3\r\nParentID: 2\r\nName: Ann\r\nEmail: ann@example.com\r\nType: Technician\r\n";

        var response = RescueResponseParser.Parse(body);

        Assert.Equal(3, response.Nodes.Count);
        Assert.Equal(["1", "2", "3"], response.Nodes.Select(n => n["NodeID"]));
        Assert.Equal("TechnicianGroup", response.Nodes[1]["Type"]);
        Assert.Equal("ann@example.com", response.Nodes[2]["Email"]);
    }

    [Fact]
    public void Hierarchy_nodes_without_blank_lines_are_split_where_a_key_repeats()
    {
        var response = RescueResponseParser.Parse("OK NodeID: 1 ParentID: 0 Name: Root node Type: Root NodeID: 2 ParentID: 1 Name: Helpdesk Type: TechnicianGroup");

        Assert.Equal(2, response.Nodes.Count);
        Assert.Equal("Root node", response.Nodes[0]["Name"]);
        Assert.Equal("Helpdesk", response.Nodes[1]["Name"]);
    }

    [Theory]
    [InlineData("OK\nNodeID: 1\nParentID: 0\nName: Root node\nType: Root\n\nNodeID: 2\nParentID: 1\nName: Helpdesk\nType: TechnicianGroup\n")]
    [InlineData("OK\r\n\r\nNodeID: 3\r\nName: Ann\r\nType: Technician\r\n\r\nNodeID: 2\r\nName: Helpdesk\r\nType: TechnicianGroup\r\n\r\nNodeID: 1\r\nName: Root node\r\nType: Root\r\n")]
    [InlineData("OK NODEID: 2 NAME: Helpdesk TYPE: TechnicianGroup")]
    public void A_node_is_found_by_its_NodeID_wherever_its_block_stands(string body)
    {
        var response = RescueResponseParser.Parse(body);

        var node = response.Node(2);

        Assert.NotNull(node);
        Assert.Equal("Helpdesk", node["Name"]);
        Assert.Equal("TechnicianGroup", node["Type"]);
        Assert.Null(response.Node(20));
    }

    [Fact]
    public void Ok_with_a_bare_value_exposes_it_as_inline()
    {
        var response = RescueResponseParser.Parse("OK 12345");

        Assert.True(response.IsOk);
        Assert.Equal("12345", response.Inline);
        Assert.Empty(response.Nodes);
    }

    [Fact]
    public void Authcode_answer_on_one_line_is_parsed()
    {
        var response = RescueResponseParser.Parse("OK AUTHCODE: abc123");

        Assert.Equal("abc123", response.Values["AuthCode"]);
    }

    [Fact]
    public void Empty_value_before_the_next_key_is_kept_empty()
    {
        var response = RescueResponseParser.Parse("OK NODEID: 5 NICK: EMAIL: a@b.c");

        Assert.Equal("", response.Values["NICK"]);
        Assert.Equal("a@b.c", response.Values["EMAIL"]);
    }

    [Theory]
    [InlineData("INVALIDPARAM_EMAIL_ALREADY_IN_USE", RescueErrorKind.Permanent)]
    [InlineData("INVALID_SECRETAUTHCODE", RescueErrorKind.Authentication)]
    [InlineData("NOTLOGGEDIN", RescueErrorKind.Authentication)]
    [InlineData("INVALID_MOVE", RescueErrorKind.Permanent)]
    [InlineData("ERROR", RescueErrorKind.Permanent)]
    public void Documented_error_codes_are_known_and_classified(string code, RescueErrorKind kind)
    {
        var response = RescueResponseParser.Parse(code + "\r\n");

        Assert.Equal(code, response.Code);
        Assert.True(RescueResultCodes.IsKnown(response.Code));
        Assert.Equal(kind, RescueResultCodes.Classify(response.Code));
    }

    [Fact]
    public void Unknown_code_is_parsed_but_marked_unknown_and_permanent()
    {
        var response = RescueResponseParser.Parse("SOMETHING_NEW\nDETAIL: x");

        Assert.Equal("SOMETHING_NEW", response.Code);
        Assert.False(RescueResultCodes.IsKnown(response.Code));
        Assert.Equal(RescueErrorKind.Permanent, RescueResultCodes.Classify(response.Code));
    }

    [Fact]
    public void Error_with_a_reason_keeps_the_reason()
    {
        var response = RescueResponseParser.Parse("ERROR internal failure");

        Assert.Equal("ERROR", response.Code);
        Assert.Equal("internal failure", response.Inline);
    }

    [Fact]
    public void Truncated_item_is_a_clear_format_error()
    {
        var ex = Assert.Throws<RescueResponseFormatException>(() => RescueResponseParser.Parse("OK\r\nNODEID: 12\r\nNAM"));

        Assert.Contains("truncated", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n")]
    [InlineData(null)]
    public void Empty_body_is_a_clear_format_error(string? body)
    {
        var ex = Assert.Throws<RescueResponseFormatException>(() => RescueResponseParser.Parse(body));

        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void Html_error_page_is_a_clear_format_error_naming_its_title()
    {
        const string html = "<!DOCTYPE html>\r\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";

        var ex = Assert.Throws<RescueResponseFormatException>(() => RescueResponseParser.Parse(html));

        Assert.Contains("HTML", ex.Message);
        Assert.Contains("502 Bad Gateway", ex.Message);
    }

    [Fact]
    public void Body_not_starting_with_a_code_is_a_clear_format_error()
    {
        Assert.Throws<RescueResponseFormatException>(() => RescueResponseParser.Parse("{\"error\":\"nope\"}"));
        Assert.Throws<RescueResponseFormatException>(() => RescueResponseParser.Parse("NODEID: 5"));
    }

    [Fact]
    public void A_large_hierarchy_answered_on_one_line_is_parsed_in_linear_time()
    {
        // 20,000 technicians in the space-separated style: 2.1 MB on one line. Splitting it used to copy the rest of the
        // line once per item: quadratic, tens of gigabytes copied (262 s on a 2-core machine). Measured in bytes allocated,
        // not in seconds, so a busy machine cannot fail it: a linear parse allocates about 40 times the body (79 MB).
        var body = "OK " + string.Join(' ', Enumerable.Range(3, 20_000).Select(i =>
            $"NodeID: {i} ParentID: 2 Name: Technician {i} Email: t{i}@example.com Status: Offline Type: Technician"));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var response = RescueResponseParser.Parse(body);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(20_000, response.Nodes.Count);
        Assert.Equal("t20002@example.com", response.Node(20_002)!["Email"]);
        Assert.Equal("Technician 3", response.Node(3)!["Name"]);
        Assert.True(allocated < 200L * body.Length, $"Parsing {body.Length:N0} characters allocated {allocated:N0} bytes.");
    }
}
