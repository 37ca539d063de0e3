using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace WxBind.Admin;

/// <summary>
/// The signed-in account holds the admin role now. The database answers, not the cookie's
/// claim: a revoked administrator loses the console at once, not when the cookie expires.
/// </summary>
internal sealed class AdminRequirement : IAuthorizationRequirement;

internal sealed class AdminRequirementHandler(AdminStore admins) : AuthorizationHandler<AdminRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminRequirement requirement)
    {
        if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId && await admins.IsAdminAsync(userId))
        {
            context.Succeed(requirement);
        }
    }
}
