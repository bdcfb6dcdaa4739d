using RescueAdSync.Config;
using RescueAdSync.ServiceDefaults;

HealthProbe.ExitIfRequested(args); // the container health check (Dockerfile, docker-compose.yml)
var migrateOnly = MigrateOnly.Requested(ref args);
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("config");
builder.AddConfigService();

var app = builder.Build();
if (migrateOnly || MigrateOnly.Configured(app.Configuration))
{
    return await app.MigrateOnlyAsync();
}

app.UseConfigServiceErrors();
app.MapDefaultEndpoints();
app.MapConfigApi();
app.MapAdminPage();
app.Run();
return 0;

public partial class Program;
