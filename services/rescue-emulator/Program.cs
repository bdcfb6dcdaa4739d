using RescueAdSync.RescueEmulator;
using RescueAdSync.ServiceDefaults;

HealthProbe.ExitIfRequested(args); // the container health check (Dockerfile, docker-compose.yml)
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("rescue-emulator");
builder.AddRescueEmulator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRescueEmulator();
app.Run();

public partial class Program;
