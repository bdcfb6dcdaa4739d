using RescueAdSync.Provisioner;
using RescueAdSync.ServiceDefaults;

HealthProbe.ExitIfRequested(args); // the container health check (Dockerfile, docker-compose.yml)
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("provisioner");
builder.AddProvisioner();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
