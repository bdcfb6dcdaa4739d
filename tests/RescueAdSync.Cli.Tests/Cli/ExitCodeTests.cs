using System.Net;
using System.Net.Sockets;
using RescueAdSync.Cli.Tests.Infrastructure;

namespace RescueAdSync.Cli.Tests.Cli;

[Collection(ConfigStackCollection.Name)]
public sealed class ExitCodeTests(ConfigStack stack)
{
    [Fact]
    public async Task Wrong_key_exits_2_and_never_echoes_the_key()
    {
        const string wrongKey = "wrong-key-0123456789abcdef";
        var result = await CliRunner.RunAsync(stack.ConfigUrl, wrongKey, stdin: null, "mapping", "list");

        result.AssertExit(2);
        Assert.Contains("HTTP 401", result.Stderr);
        Assert.DoesNotContain(wrongKey, result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task Key_without_the_admin_role_exits_2()
    {
        var result = await CliRunner.RunAsync(stack.ConfigUrl, stack.ReaderKey, stdin: null, "log");

        result.AssertExit(2);
        Assert.Contains("HTTP 403", result.Stderr);
    }

    [Fact]
    public async Task Unreachable_server_exits_4()
    {
        var result = await CliRunner.RunAsync($"http://127.0.0.1:{UnusedPort()}", stack.AdminKey, stdin: null, "status");

        result.AssertExit(4);
        Assert.Contains("Cannot reach the config service", result.Stderr);
    }

    [Fact]
    public async Task Missing_url_exits_1_and_says_how_to_give_it()
    {
        var result = await CliRunner.RunAsync(url: null, stack.AdminKey, stdin: null, "mapping", "list");

        result.AssertExit(1);
        Assert.Contains("ADSYNC_URL", result.Stderr);
    }

    [Fact]
    public async Task Key_given_with_the_option_is_used()
    {
        var result = await CliRunner.RunAsync(stack.ConfigUrl, key: null, stdin: null, "mapping", "list", "--key", stack.AdminKey);

        result.AssertExit(0);
    }

    [Fact]
    public async Task Help_documents_every_exit_code_and_unknown_commands_exit_1()
    {
        var help = await CliRunner.RunAsync(url: null, key: null, stdin: null, "--help");
        help.AssertExit(0);
        foreach (var code in new[] { "0  success", "1  usage", "2  authentication", "3  not found", "4  config service unreachable" })
        {
            Assert.Contains(code, help.Stdout);
        }

        (await CliRunner.RunAsync(url: null, key: null, stdin: null, "frobnicate")).AssertExit(1);
    }

    [Fact]
    public async Task Help_says_what_the_sync_log_holds_and_that_a_disabled_mapping_can_be_previewed()
    {
        var log = await CliRunner.RunAsync(url: null, key: null, stdin: null, "log", "--help");
        log.AssertExit(0);
        var text = string.Join(' ', log.Stdout.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("failures and warnings, and operator actions", text);
        Assert.Contains("Routine creations, updates and disables are not in it", text);
        Assert.DoesNotContain("every failure and change", text);

        var preview = await CliRunner.RunAsync(url: null, key: null, stdin: null, "preview", "--help");
        preview.AssertExit(0);
        Assert.Contains("enabled or not", string.Join(' ', preview.Stdout.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries)));
    }

    // Bound then released: nothing listens there for the moment the test needs.
    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
