using RescueAdSync.Provisioner;
using RescueAdSync.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProvisioner();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
