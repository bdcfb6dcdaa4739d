using RescueAdSync.Config.Web;

namespace RescueAdSync.Config;

/// <summary>
/// The admin page under /admin/: public static files that show nothing until an admin API key is entered; every
/// data call the page makes is authenticated by the API itself, exactly like the CLI's.
/// </summary>
public static class AdminPageExtensions
{
    public const string IndexFile = "admin.html";

    public static WebApplication MapAdminPage(this WebApplication app)
    {
        var assets = AdminAssets.Load(typeof(AdminPageExtensions).Assembly);
        app.MapGet("/admin/{file?}", (string? file, HttpContext http) =>
            {
                // The page's relative links (admin.js) resolve against /admin/, not against /.
                if (file is null && http.Request.Path.Value?.EndsWith('/') != true)
                {
                    return TypedResults.Redirect($"{http.Request.PathBase}/admin/");
                }

                return assets.Serve(http, file ?? IndexFile);
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
