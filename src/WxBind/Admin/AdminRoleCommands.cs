using Microsoft.AspNetCore.Identity;
using WxBind.CommandLine;
using WxBind.Storage;

namespace WxBind.Admin;

/// <summary><c>admin grant &lt;email&gt;</c> and <c>admin revoke &lt;email&gt;</c>: the only way the role is given or taken.</summary>
internal abstract class AdminRoleCommand(UserManager<User> users, AdminStore admins, bool grant) : ICommand
{
    public abstract string Name { get; }

    public string Arguments => "<email>";

    public async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (arguments.Count != 1 || string.IsNullOrWhiteSpace(arguments[0]))
        {
            await error.WriteLineAsync($"Usage: {Name} {Arguments}");
            return CommandLineExtensions.UsageError;
        }
        var email = arguments[0].Trim();
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            await error.WriteLineAsync($"No account has the e-mail {email}; register it first.");
            return 1;
        }
        var changed = await admins.SetAdminAsync(user, grant, AuditActor.CommandLine, cancellationToken);
        await output.WriteLineAsync((grant, changed) switch
        {
            (true, true) => $"{user.Email} is now an administrator.",
            (true, false) => $"{user.Email} was already an administrator.",
            (false, true) => $"{user.Email} is no longer an administrator.",
            (false, false) => $"{user.Email} was not an administrator.",
        });
        return 0;
    }
}

internal sealed class AdminGrantCommand(UserManager<User> users, AdminStore admins) : AdminRoleCommand(users, admins, grant: true)
{
    public override string Name => "admin grant";
}

internal sealed class AdminRevokeCommand(UserManager<User> users, AdminStore admins) : AdminRoleCommand(users, admins, grant: false)
{
    public override string Name => "admin revoke";
}
