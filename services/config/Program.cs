using RescueAdSync.Config;
using RescueAdSync.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddConfigService();

var app = builder.Build();
app.UseConfigServiceErrors();
app.MapDefaultEndpoints();
app.MapConfigApi();
app.MapAdminPage();
app.Run();

public partial class Program;
