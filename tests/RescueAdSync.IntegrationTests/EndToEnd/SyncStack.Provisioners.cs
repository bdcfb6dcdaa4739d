using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MassTransit;
using RabbitMQ.Client;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.EndToEnd;

// Provisioner-only stacks: emulator, config and N provisioner processes, no directory and no reader. The tests
// publish UserChanged themselves, like the reader would, to drive the provisioner through exact scenarios.
public sealed partial class SyncStack
{
    /// <summary>The exchange MassTransit publishes UserChanged to (message type name), bound to the partitions' hash exchange.</summary>
    public const string UserChangedExchange = "RescueAdSync.Contracts:UserChanged";

    private readonly List<ServiceProcess> _provisioners = [];

    /// <summary>The provisioner processes of a stack from <see cref="StartProvisionersAsync"/>.</summary>
    public IReadOnlyList<ServiceProcess> Provisioners => _provisioners;

    public static async Task<SyncStack> StartProvisionersAsync(RabbitMqBroker broker, string name, int instances = 1,
        bool mobileAddon = false, int mobileLicences = 5, Dictionary<string, string?>? environment = null,
        Func<SyncStack, Task>? beforeProvisioners = null)
    {
        var vhost = $"{name}-{Guid.NewGuid():N}";
        await broker.CreateVirtualHostAsync(vhost);
        var emulator = await ServiceProcess.StartAsync($"{name}-rescue-emulator",
            RepoPaths.ServiceDll("rescue-emulator", "RescueAdSync.RescueEmulator"), new Dictionary<string, string?>());
        var stack = new SyncStack(emulator);
        try
        {
            stack._broker = broker;
            stack.VirtualHost = vhost;
            await stack.Emulator.CreateOrganizationAsync("E2E Org", "mah@example.org", "Mah-Passw0rd!", mobileLicences);
            stack.TechnicianGroupId = await stack.Emulator.CreateTechnicianGroupAsync("Support");
            var token = await stack.Emulator.GenerateServiceTokenAsync();
            await stack.Emulator.SetDefaultPasswordAsync(DefaultPassword);
            var config = await stack.StartConfigAsync(name, emulator, token);
            var created = await stack.ConfigAdmin.PostAsJsonAsync("/api/mappings",
                new MappingSettings($"cn=techs,ou={name},dc=example,dc=org", stack.TechnicianGroupId, mobileAddon));
            await EnsureSuccessAsync(created);
            stack.MappingId = (await created.Content.ReadFromJsonAsync<Mapping>())!.Id;

            var settings = stack.ServiceEnvironment(config, stack._provisionerKey);
            // Short caches so that tests see config changes (a replaced token) and Rescue admin moves within a second or two.
            settings["Provisioner__ConfigRefreshSeconds"] = "1";
            settings["Provisioner__AuthRecheckSeconds"] = "1";
            settings["Provisioner__HierarchyCacheSeconds"] = "0";
            foreach (var (key, value) in environment ?? [])
            {
                settings[key] = value;
            }

            await (beforeProvisioners?.Invoke(stack) ?? Task.CompletedTask);
            for (var i = 0; i < instances; i++)
            {
                stack._provisioners.Add(await stack.StartAsync($"{name}-provisioner-{i}", "provisioner", "RescueAdSync.Provisioner", settings));
            }

            await stack.WaitForBindingAsync(UserChangedExchange, "user-changed-partitions");
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>A UserChanged for this stack's mapping.</summary>
    public UserChanged Change(string userId, long version, string name, string email, UserState state = UserState.Enabled) =>
        new(MappingId, userId, version, name, email, state, $"uid={userId},dc=example,dc=org", DateTimeOffset.UtcNow, Guid.NewGuid());

    /// <summary>Publishes through MassTransit exactly as the reader does (same exchange, envelope and serializer).</summary>
    public async Task PublishAsync(params UserChanged[] changes)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(_broker!.Host, (ushort)_broker.AmqpPort, VirtualHost, h =>
            {
                h.Username(_broker.Username);
                h.Password(_broker.Password);
            });
            cfg.UseUserIdRoutingKey();
        });
        await bus.StartAsync();
        try
        {
            foreach (var change in changes)
            {
                await bus.Publish(change);
            }
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>Publishes a raw body to the UserChanged exchange, as a broken or foreign publisher might.</summary>
    public async Task PublishRawAsync(string body, string contentType = "application/vnd.masstransit+json")
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicPublishAsync(UserChangedExchange, "", mandatory: false,
            new BasicProperties { ContentType = contentType, DeliveryMode = DeliveryModes.Persistent, MessageId = Guid.NewGuid().ToString() },
            Encoding.UTF8.GetBytes(body));
    }

    /// <summary>The sync log, newest first as the config service returns it.</summary>
    public async Task<IReadOnlyList<SyncLogEntry>> GetSyncLogAsync() =>
        (await ConfigAdmin.GetFromJsonAsync<SyncLogEntry[]>("/api/sync-log?take=500"))!;

    /// <summary>The stored link of a directory user, or null.</summary>
    public async Task<TechnicianLink?> GetLinkAsync(string userId)
    {
        var response = await ConfigAdmin.GetAsync($"/api/links/{Uri.EscapeDataString(userId)}");
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<TechnicianLink>();
    }

    /// <summary>The MAH generates a new token in the Admin Center and the operator submits it to the config service.</summary>
    public async Task ReplaceServiceTokenAsync()
    {
        var token = await Emulator.GenerateServiceTokenAsync();
        await PutAsync("/api/rescue-account", new RescueAccountSettings(_emulatorApiUrl, "mah@example.org", "Mah-Passw0rd!", token, DefaultPassword));
    }

    /// <summary>The queue as the management API shows it (type, arguments, message counts).</summary>
    public async Task<JsonElement> GetQueueAsync(string queue)
    {
        using var http = ManagementClient();
        return await http.GetFromJsonAsync<JsonElement>($"/api/queues/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(queue)}");
    }

    /// <summary>Every queue of the stack's virtual host: its name, type (classic, quorum) and whether it is durable.</summary>
    public async Task<IReadOnlyList<(string Name, string Type, bool Durable)>> GetQueuesAsync()
    {
        using var http = ManagementClient();
        var queues = await http.GetFromJsonAsync<JsonElement>($"/api/queues/{Uri.EscapeDataString(VirtualHost)}?columns=name,type,durable");
        return [.. queues.EnumerateArray().Select(q => (q.GetProperty("name").GetString()!, q.GetProperty("type").GetString()!, q.GetProperty("durable").GetBoolean()))];
    }

    /// <summary>
    /// Messages waiting for the provisioners: in the partition queues <c>user-changed-pN</c> and the router queue
    /// <c>user-changed</c> (not the error or wait queues). Management statistics, so poll rather than expect a value at once.
    /// </summary>
    public async Task<int> GetBacklogAsync()
    {
        using var http = ManagementClient();
        var queues = await http.GetFromJsonAsync<JsonElement>($"/api/queues/{Uri.EscapeDataString(VirtualHost)}?columns=name,messages");
        return queues.EnumerateArray()
            .Where(queue => BacklogQueue().IsMatch(queue.GetProperty("name").GetString()!))
            .Sum(queue => queue.TryGetProperty("messages", out var messages) ? messages.GetInt32() : 0);
    }

    // The queues KEDA sums for the same reason (k8s/components/keda/scaledobject.yaml).
    [GeneratedRegex("^user-changed(-p[0-9]+)?$")]
    private static partial Regex BacklogQueue();

    /// <summary>Where an exchange routes to: the names of the queues and exchanges bound to it.</summary>
    public async Task<IReadOnlyList<string>> GetBindingDestinationsAsync(string exchange)
    {
        using var http = ManagementClient();
        var bindings = await http.GetFromJsonAsync<JsonElement>(
            $"/api/exchanges/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(exchange)}/bindings/source");
        return [.. bindings.EnumerateArray().Select(binding => binding.GetProperty("destination").GetString()!)];
    }

    /// <summary>A channel on this stack's virtual host, for tests that shape the broker themselves.</summary>
    public async Task<IConnection> ConnectAsync()
    {
        var factory = new ConnectionFactory
        {
            HostName = _broker!.Host,
            Port = _broker.AmqpPort,
            VirtualHost = VirtualHost,
            UserName = _broker.Username,
            Password = _broker.Password,
        };
        return await factory.CreateConnectionAsync();
    }

    /// <summary>
    /// A counter of the queue ("messages", "consumers"), 0 while the queue does not exist. The management API fills
    /// these in from periodic statistics, so poll for a value rather than expecting it at once.
    /// </summary>
    public async Task<int> GetQueueCountAsync(string queue, string counter = "messages")
    {
        using var http = ManagementClient();
        var response = await http.GetAsync($"/api/queues/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(queue)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }

        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty(counter, out var value) ? value.GetInt32() : 0;
    }

    /// <summary>
    /// The MT-Fault-Message header (the reason) of up to <paramref name="count"/> messages of a queue, read with a consumer
    /// and returned unacknowledged, so the messages stay. (Quorum queues with a single active consumer refuse basic.get.)
    /// </summary>
    public async Task<IReadOnlyList<string>> ReadFaultReasonsAsync(string queue, int count)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var reasons = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            lock (reasons)
            {
                object? header = null;
                delivery.BasicProperties.Headers?.TryGetValue("MT-Fault-Message", out header);
                reasons.Add(header is byte[] bytes ? Encoding.UTF8.GetString(bytes) : header?.ToString() ?? "");
                if (reasons.Count >= count)
                {
                    all.TrySetResult();
                }
            }
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        await all.Task.WaitAsync(TimeSpan.FromSeconds(10));
        lock (reasons)
        {
            return [.. reasons];
        }
    }

    /// <summary>GET /metrics of one provisioner instance.</summary>
    public async Task<string> GetMetricsAsync(ServiceProcess service)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"{service.Url}/metrics");
    }

    /// <summary>Polls until <paramref name="condition"/> holds; the failure names what was awaited and shows every service's output.</summary>
    public async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(200);
        }
        throw new TimeoutException($"Timed out waiting for {what}.\n{Output}");
    }

    // The provisioner binds the message type's exchange to the partitions' hash exchange once every partition is on the
    // ring; a message published before is routed nowhere (the reader's are refused as mandatory), so wait for that binding.
    private async Task WaitForBindingAsync(string exchange, string queue)
    {
        using var http = ManagementClient();
        var path = $"/api/bindings/{Uri.EscapeDataString(VirtualHost)}/e/{Uri.EscapeDataString(exchange)}/e/{Uri.EscapeDataString(queue)}";
        await EventuallyAsync(async () =>
        {
            var response = await http.GetAsync(path);
            return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength() > 0;
        }, $"{exchange} bound to {queue}", TimeSpan.FromSeconds(90));
    }

    private HttpClient ManagementClient()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{_broker!.Host}:{_broker.ManagementPort}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_broker.Username}:{_broker.Password}")));
        return http;
    }
}
