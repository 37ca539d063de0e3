using System.Security.Claims;

namespace WxBind.Admin;

/// <summary>Who did something that the audit records: an administrator's account, or the command line.</summary>
internal sealed record AuditActor(string? UserId, string Name)
{
    /// <summary>The signed-in administrator of a request (id and e-mail from the login cookie).</summary>
    public static AuditActor From(ClaimsPrincipal user) =>
        new(user.FindFirstValue(ClaimTypes.NameIdentifier), user.FindFirstValue(ClaimTypes.Name) ?? "?");

    /// <summary>Whoever ran a command on the server, by their operating-system account.</summary>
    public static AuditActor CommandLine => new(null, $"command line ({Environment.UserName})");
}
