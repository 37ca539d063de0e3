using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WxBind.Storage;

namespace WxBind.Accounts;

internal static class AccountsExtensions
{
    public const string LoginRateLimit = "login";
    public const string RegisterRateLimit = "register";

    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddScoped<AccountService>();
        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        builder.Services.AddAuthorization();
        builder.Services.AddIdentityCore<User>()
            .AddUserStore<UserStore>()
            .AddSignInManager()
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>();
        builder.Services.AddOptions<IdentityOptions>().Configure<IOptions<AccountOptions>>((identity, accounts) =>
        {
            identity.User.RequireUniqueEmail = true;
            identity.Password.RequiredLength = 8;
            identity.Password.RequireNonAlphanumeric = false;
            identity.Password.RequireUppercase = false;
            identity.Password.RequireLowercase = true;
            identity.Password.RequireDigit = true;
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = accounts.Value.MaxFailedAccessAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = accounts.Value.LockoutDuration;
        });
        builder.Services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/account/login";
            cookie.LogoutPath = "/account/logout";
            cookie.AccessDeniedPath = "/account/login";
            cookie.Cookie.Name = "wxbind.auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromDays(14);
        });

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RateLimitRejection.WriteAsync;
            limiter.AddPolicy(LoginRateLimit, context => PerClient(context, Options(context).LoginPermitsPerMinute));
            limiter.AddPolicy(RegisterRateLimit, context => PerClient(context, Options(context).RegisterPermitsPerMinute));
        });
        return builder;
    }

    private static AccountOptions Options(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<AccountOptions>>().Value;

    /// <summary>
    /// A fixed window per client address for POSTs only: looking at the form is never limited.
    /// </summary>
    internal static RateLimitPartition<string> PerClient(HttpContext context, int permitsPerMinute)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return RateLimitPartition.GetNoLimiter("read");
        }
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "local";
        return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }
}
