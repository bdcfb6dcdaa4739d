using System.Text.Json;
using RescueAdSync.Deployment.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace RescueAdSync.Deployment.Tests;

/// <summary>docker-compose.yml validates with compose itself and is complete enough for `docker compose up`.</summary>
public sealed class ComposeTests
{
    private static readonly string[] StackServices =
        ["directory", "rabbitmq", "config", "ad-reader", "provisioner", "rescue-emulator", "setup", "prometheus", "grafana", "postgres"];

    [Fact]
    public void Compose_file_is_valid_with_the_example_env_file()
    {
        var result = Compose.Run(Repository.PathOf(".env.example"), "config", "-q");
        Assert.True(result.ExitCode == 0, $"docker-compose config -q rejected docker-compose.yml:\n{result.Output}");
    }

    [Fact]
    public void Compose_refuses_to_start_without_the_secrets_from_the_env_file()
    {
        var empty = Path.Combine(Path.GetTempPath(), $"rescue-adsync-empty-{Environment.ProcessId}.env");
        File.WriteAllText(empty, "");
        try
        {
            var result = Compose.Run(empty, "config", "-q");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("in .env", result.StandardError);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public void Env_file_is_ignored_by_git_and_only_the_example_is_committed()
    {
        Assert.Contains(".env", Repository.Read(".gitignore").Split('\n').Select(l => l.Trim()));
        Assert.True(File.Exists(Repository.PathOf(".env.example")));
        var git = Tool.Find("git");
        if (git is not null)
        {
            var tracked = Tool.Run(git, ["ls-files", "--", ".env"]);
            Assert.Equal("", tracked.StandardOutput.Trim());
        }
    }

    [Fact]
    public void Stack_has_every_component_the_design_needs()
    {
        var all = Yaml.Load(Repository.Read("docker-compose.yml")).At("services").Keys().ToList();
        Assert.All(StackServices, s => Assert.Contains(s, all));
        // PostgreSQL only with the profile (COMPOSE_PROFILES=postgres); SQLite on a volume otherwise.
        Assert.Equal("postgres", Yaml.Load(Repository.Read("docker-compose.yml")).At("services", "postgres").Items("profiles").Single().Text());
    }

    [Fact]
    public void Built_services_use_their_own_Dockerfile_and_are_named_after_it()
    {
        var services = Compose.Resolved().At("services")!;
        var built = services.Keys().Where(s => services.At(s, "build") is not null).ToList();
        Assert.Equal(Repository.ContainerizedServices(), built.Order(StringComparer.Ordinal));
        foreach (var name in built)
        {
            var dockerfile = services.Text(name, "build", "dockerfile");
            Assert.Equal($"services/{name}/Dockerfile", dockerfile);
            Assert.Equal(Repository.Root, services.Text(name, "build", "context")?.TrimEnd('/'));
            Assert.Equal($"rescue-adsync/{name}:latest", services.Text(name, "image"));
        }
    }

    [Fact]
    public void Built_services_health_check_is_the_images_own_binary_with_health()
    {
        var services = Compose.Resolved().At("services")!;
        foreach (var name in Repository.ContainerizedServices())
        {
            var test = services.Items(name, "healthcheck", "test").Select(t => t.Text()).ToList();
            var dockerfile = Repository.Read($"services/{name}/Dockerfile");
            Assert.Equal("CMD", test[0]);
            Assert.Equal("--health", test[^1]);
            Assert.Contains($"CMD [\"{test[1]}\", \"--health\"]", dockerfile);
            Assert.Contains($"ENTRYPOINT [\"{test[1]}\"]", dockerfile);
        }
    }

    [Fact]
    public void Third_party_images_are_variables_defaulting_to_the_registry_image_and_grafana_is_a_profile()
    {
        var raw = Yaml.Load(Repository.Read("docker-compose.yml"));
        var services = raw.At("services");
        foreach (var name in services.Keys().Where(n => services.At(n, "build") is null))
        {
            var image = services.Text(name, "image") ?? "";
            Assert.Matches(@"^\$\{[A-Z]+_IMAGE:-[a-z0-9./-]+:[A-Za-z0-9.-]+\}$", image);
        }

        Assert.Equal("grafana", services.Items("grafana", "profiles").Single().Text());
    }

    [Fact]
    public void Every_dependency_waits_for_health_or_completion()
    {
        var services = Compose.Resolved().At("services")!;
        foreach (var name in services.Keys())
        {
            foreach (var dependency in services.At(name, "depends_on").Keys())
            {
                var condition = services.Text(name, "depends_on", dependency, "condition");
                Assert.True(condition is "service_healthy" or "service_completed_successfully",
                    $"{name} depends on {dependency} with condition '{condition}'");
                if (condition == "service_healthy")
                {
                    var hasCheck = services.At(dependency, "healthcheck") is not null;
                    Assert.True(hasCheck, $"{name} waits for {dependency} to be healthy, but {dependency} has no healthcheck");
                }
            }
        }

        Assert.Equal("service_completed_successfully", services.Text("ad-reader", "depends_on", "setup", "condition"));
    }

    [Fact]
    public void Bind_mounted_files_exist_and_state_lives_on_named_volumes()
    {
        var raw = Yaml.Load(Repository.Read("docker-compose.yml"));
        var volumes = raw.At("volumes").Keys().ToHashSet();
        foreach (var service in raw.At("services").Keys())
        {
            foreach (var mount in raw.Items("services", service, "volumes").Select(v => v.Text() ?? ""))
            {
                var source = mount.Split(':')[0];
                if (source.StartsWith("./", StringComparison.Ordinal))
                {
                    var path = Repository.PathOf(source[2..]);
                    Assert.True(File.Exists(path) || Directory.Exists(path), $"{service} mounts {source}, which does not exist");
                }
                else
                {
                    Assert.Contains(source, volumes);
                }
            }
        }

        Assert.Contains("config-data", volumes);
    }

    [Fact]
    public void Services_get_the_configuration_keys_they_bind()
    {
        var services = Compose.Resolved().At("services")!;
        var config = services.At("config", "environment").StringMap();
        Assert.Equal("Sqlite", config["Database__Provider"]);
        Assert.Equal("Data Source=/data/config.db", config["ConnectionStrings__Config"]);
        Assert.False(string.IsNullOrEmpty(config["Secrets__Key"]));
        var roles = Enumerable.Range(0, 3).Select(i => config[$"Auth__ApiKeys__{i}__Role"]).ToList();
        Assert.Equal(["admin", "reader", "provisioner"], roles);

        foreach (var (service, role) in new[] { ("ad-reader", 1), ("provisioner", 2) })
        {
            var env = services.At(service, "environment").StringMap();
            Assert.Equal("http://config:8080", env["ConfigService__Url"]);
            Assert.Equal(config[$"Auth__ApiKeys__{role}__Key"], env["ConfigService__ApiKey"]);
            Assert.Equal("rabbitmq", env["RabbitMq__Host"]);
            Assert.Equal(services.At("rabbitmq", "environment").StringMap()["RABBITMQ_DEFAULT_PASS"], env["RabbitMq__Password"]);
        }

        Assert.Equal("/seed/emulator-seed.json", services.At("rescue-emulator", "environment").StringMap()["Emulator__SeedFile"]);
    }

    [Fact]
    public void Seed_data_matches_what_the_setup_job_submits()
    {
        var services = Compose.Resolved().At("services")!;
        var setup = services.At("setup", "environment").StringMap();

        using var seed = JsonDocument.Parse(Repository.Read("deploy/compose/emulator/emulator-seed.json"));
        var groups = seed.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("name").GetString()).ToList();
        Assert.Contains(setup["TECHNICIAN_GROUP"], groups);

        var ldif = Repository.Read("deploy/demo/directory.ldif") + Repository.Read("deploy/compose/directory/00-tree.ldif");
        Assert.Contains($"dn: {setup["SOURCE_GROUP_DN"]}", ldif);
        Assert.Contains("olcMemberOfGroupOC: groupOfNames", Repository.Read("deploy/compose/directory/03-memberOf.ldif"));
        Assert.Contains("objectClass: groupOfNames", Repository.Read("deploy/demo/directory.ldif"));
    }
}
