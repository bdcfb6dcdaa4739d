using System.Net;
using System.Net.Http.Json;
using System.Text;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

public class SecretsAtRestTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    [Fact]
    public async Task Secrets_are_not_in_the_database_files_nor_in_any_response_nor_in_the_logs()
    {
        var responses = new StringBuilder();
        responses.Append(await (await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account())).Content.ReadAsStringAsync());
        responses.Append(await (await factory.Admin.PutAsJsonAsync("/api/directory", Samples.Directory())).Content.ReadAsStringAsync());
        responses.Append(await factory.Admin.GetStringAsync("/api/rescue-account"));
        responses.Append(await factory.Admin.GetStringAsync("/api/directory"));
        responses.Append(await factory.Reader.GetStringAsync("/api/directory"));
        // Still readable by the services that need them, so they really were stored.
        Assert.Equal(Samples.ServiceToken, (await factory.Provisioner.GetFromJsonAsync<RescueCredentials>("/api/rescue-account/credentials"))!.ServiceToken);
        Assert.Equal(Samples.BindPassword, (await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directory/credentials"))!.BindPassword);

        var database = await factory.ReadStoredBytesAsync();
        Assert.NotEmpty(database);
        var logs = string.Join('\n', factory.Logs.Lines);
        Assert.NotEmpty(logs);
        foreach (var secret in Samples.Secrets)
        {
            Assert.DoesNotContain(secret, responses.ToString(), StringComparison.Ordinal);
            Assert.False(Contains(database, Encoding.UTF8.GetBytes(secret)), $"{secret} in the database (UTF-8)");
            Assert.False(Contains(database, Encoding.Unicode.GetBytes(secret)), $"{secret} in the database (UTF-16)");
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(ConfigApiFactory.AdminKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Settings["Secrets:Key"]!, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_role_cannot_read_a_secret()
    {
        await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account());
        await factory.Admin.PutAsJsonAsync("/api/directory", Samples.Directory());

        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.GetAsync("/api/rescue-account/credentials")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Reader.GetAsync("/api/rescue-account/credentials")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Provisioner.GetAsync("/api/directory/credentials")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.GetAsync("/api/directory/credentials")).StatusCode);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
