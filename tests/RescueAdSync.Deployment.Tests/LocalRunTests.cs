using System.Text.RegularExpressions;
using RescueAdSync.Deployment.Tests.Infrastructure;

namespace RescueAdSync.Deployment.Tests;

/// <summary>What a new user meets first: deploy/local/run.sh, the packages it installs, the port and the demo directory.</summary>
public sealed partial class LocalRunTests
{
    private static string[] Packages(params string[] arguments)
    {
        var result = Tool.Run("bash", ["deploy/local/install-deps.sh", .. arguments]);
        Assert.True(result.ExitCode == 0, result.Output);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [Fact]
    public void Run_installs_only_what_running_needs_and_the_tests_install_everything()
    {
        var run = Packages("--run", "--list");
        var all = Packages("--list");
        Assert.Superset(new HashSet<string> { "slapd", "ldap-utils", "rabbitmq-server", "libsasl2-modules-gssapi-mit" }, run.ToHashSet());
        foreach (var testOnly in new[] { "samba", "samba-ad-dc", "postgresql", "prometheus", "chromium", "yamllint", "docker-compose" })
        {
            Assert.DoesNotContain(testOnly, run);
            Assert.Contains(testOnly, all);
        }
        Assert.Superset(run.ToHashSet(), all.ToHashSet());

        Assert.Contains("bash deploy/local/install-deps.sh --run\n", Repository.Read("deploy/local/run.sh"));
        Assert.Contains("bash deploy/local/install-deps.sh\n", Repository.Read("deploy/local/test.sh"));
        var unknown = Tool.Run("bash", ["deploy/local/install-deps.sh", "--everything"]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown argument '--everything'", unknown.StandardError);
    }

    [Fact]
    public void Config_service_port_is_the_same_in_run_sh_compose_the_readme_and_the_cli_help()
    {
        var port = Match(ConfigPortDefault(), Repository.Read("deploy/local/run.sh"));
        Assert.Equal(port, Match(ConfigPortDefault(), Repository.Read("docker-compose.yml")));
        Assert.Equal(port, Match(LocalUrl(), Repository.Read("tools/cli/Commands/GlobalOptions.cs")));
        var readme = Repository.Read("README.md");
        Assert.Contains($"`http://127.0.0.1:{port}/admin/`", readme);
        Assert.Contains($"e.g. `http://127.0.0.1:{port}`", readme);
        Assert.All(LocalUrl().Matches(Repository.Read("services/config/README.md")), m => Assert.Equal(port, m.Groups[1].Value));
    }

    [Fact]
    public void Demo_directory_names_a_disabled_attribute_of_its_schema_and_the_readme_shows_how_to_set_it()
    {
        var script = Repository.Read("deploy/local/run.sh");
        var attribute = Match(DisabledAttribute(), script);
        Assert.Contains("\\\"disabledAttribute\\\":\\\"$disabled_attribute\\\"", script);
        // inetOrgPerson (loaded by deploy/local/slapd.sh) allows it on the demo users.
        Assert.Contains("include /etc/ldap/schema/inetorgperson.schema", Repository.Read("deploy/local/slapd.sh"));
        Assert.Matches($@"NAME '{attribute}'", File.ReadAllText("/etc/ldap/schema/inetorgperson.schema"));
        var readme = Repository.Read("README.md");
        Assert.Contains($"replace: {attribute}\\n{attribute}: disabled\\n' | ldapmodify -x -H ldap://127.0.0.1:3389", readme);
        Assert.Contains($"`delete: {attribute}\\n`", readme);
    }

    private static string Match(Regex regex, string text)
    {
        var match = regex.Match(text);
        Assert.True(match.Success, $"{regex} not found");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"CONFIG_PORT:-(\d+)\}")]
    private static partial Regex ConfigPortDefault();

    [GeneratedRegex(@"http://127\.0\.0\.1:(\d+)")]
    private static partial Regex LocalUrl();

    [GeneratedRegex(@"(?m)^disabled_attribute=(\w+)$")]
    private static partial Regex DisabledAttribute();
}
