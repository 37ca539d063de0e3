using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using WxBind.CommandLine;
using WxBind.Storage;

namespace WxBind.Admin;

internal static class AdminExtensions
{
    /// <summary>The authorization policy of every <c>/admin</c> page and endpoint.</summary>
    public const string Policy = "Admin";

    /// <summary>The role claim an administrator's login carries.</summary>
    public const string Role = "admin";

    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AdminStore>();
        builder.Services.AddSingleton<DashboardQueries>();
        builder.Services.AddSingleton<UserSearch>();
        builder.Services.AddScoped<AdminUnbindService>();
        builder.Services.AddScoped<IUserClaimsPrincipalFactory<User>, AdminClaimsPrincipalFactory>();
        builder.Services.AddSingleton<IAuthorizationHandler, AdminRequirementHandler>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.RequireAuthenticatedUser().AddRequirements(new AdminRequirement()));
        // Every page in this folder is the console's.
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>(pages => pages.Conventions.AuthorizeFolder("/Admin", Policy));
        builder.Services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, cookie =>
        {
            // A signed-in non-administrator gets a plain 403 page, not a login form they already passed.
            var redirect = cookie.Events.OnRedirectToAccessDenied;
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                if (context.Request.Path.StartsWithSegments("/admin"))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                }
                return redirect(context);
            };
        });

        builder.Services.AddCommand<AdminGrantCommand>();
        builder.Services.AddCommand<AdminRevokeCommand>();
        return builder;
    }
}
