using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using WxBind.Storage;

namespace WxBind.Admin;

/// <summary>Adds the admin role claim to an administrator's login cookie (it shows the console link).</summary>
internal sealed class AdminClaimsPrincipalFactory(UserManager<User> users, IOptions<IdentityOptions> options, AdminStore admins)
    : UserClaimsPrincipalFactory<User>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (await admins.IsAdminAsync(user.Id))
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, AdminExtensions.Role));
        }
        return identity;
    }
}
