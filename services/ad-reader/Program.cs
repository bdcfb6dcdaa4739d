using RescueAdSync.AdReader;
using RescueAdSync.ServiceDefaults;

HealthProbe.ExitIfRequested(args); // the container health check (Dockerfile, docker-compose.yml)
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("ad-reader");
builder.AddConfigClient();
builder.AddMessaging(bus => bus.AddReaderConsumers());
builder.AddReader();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
