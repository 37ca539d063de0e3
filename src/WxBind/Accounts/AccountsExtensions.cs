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
        builder.Services.AddSingleton<LoginLockout>();
        builder.Services.AddScoped<PasswordResetService>();
        AddMail(builder);
        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        builder.Services.AddAuthorization();
        builder.Services.AddIdentityCore<User>()
            .AddUserStore<UserStore>()
            .AddSignInManager()
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>()
            .AddTokenProvider<PasswordResetTokenProvider>(PasswordResetTokenProvider.Name);
        // The cookie's security stamp is checked on every request: logging out, "log out everywhere"
        // and a password reset change the stamp, and every cookie issued before stops working.
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
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
            identity.Tokens.PasswordResetTokenProvider = PasswordResetTokenProvider.Name;
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
            // With the database away the stamp cannot be read. The request goes on with the cookie
            // as it is (the page then shows the error page) instead of the check also failing the
            // error page itself; a cookie still cannot outlive a logout once the database answers.
            cookie.Events.OnValidatePrincipal = async context =>
            {
                try
                {
                    await SecurityStampValidator.ValidatePrincipalAsync(context);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
                {
                }
            };
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

    /// <summary>SMTP when <c>WxBind:Smtp:Host</c> is set; otherwise, in Development, the outbox page.</summary>
    private static void AddMail(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
        if (builder.Configuration.GetSection(SmtpOptions.Section).Get<SmtpOptions>() is { IsConfigured: true })
        {
            builder.Services.AddSingleton<SmtpMailSender>();
            builder.Services.AddSingleton<IMailSender>(sp => sp.GetRequiredService<SmtpMailSender>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<SmtpMailSender>());
        }
        else if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddSingleton<DevOutbox>();
            builder.Services.AddSingleton<IMailSender>(sp => sp.GetRequiredService<DevOutbox>());
        }
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
