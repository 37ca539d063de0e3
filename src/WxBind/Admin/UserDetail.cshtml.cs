using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.Admin;

/// <summary>
/// <c>/admin/users/{id}</c>: one account, its binding, ledger history and QR logins; unbinding
/// asks for a reason, then for confirmation.
/// </summary>
internal sealed class UserDetailModel(Database database, IOptions<WechatOptions> wechat) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "AdminReasonRequired")]
    [StringLength(200, ErrorMessage = "AdminReasonTooLong")]
    public string? Reason { get; set; }

    [BindProperty]
    public bool Confirmed { get; set; }

    public User Account { get; private set; } = null!;

    public bool IsAdmin { get; private set; }

    public WechatBinding? Binding { get; private set; }

    public IReadOnlyList<LedgerRow> Ledger { get; private set; } = [];

    /// <summary>Shown when a reason was given and the administrator still has to confirm.</summary>
    public bool AskConfirmation { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostUnbindAsync([FromServices] AdminUnbindService unbind, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        if (Binding is null)
        {
            Notice = "AdminNothingToUnbind";
            return RedirectToPage(new { Id });
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        if (!Confirmed)
        {
            AskConfirmation = true;
            return Page();
        }
        var removed = await unbind.UnbindAsync(Account.Id, Reason!.Trim(), AuditActor.From(User), cancellationToken);
        Notice = removed is null ? "AdminNothingToUnbind" : "AdminUnbindDone";
        return RedirectToPage(new { Id });
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var account = await UserStore.FindByIdAsync(connection, null, Id, cancellationToken);
        if (account is null)
        {
            return false;
        }
        Account = account;
        IsAdmin = await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT is_admin FROM users WHERE id = @Id", new { Id }, cancellationToken: cancellationToken));
        Binding = await BindingStore.FindByUserAsync(connection, null, Id, wechat.Value.AppId, cancellationToken);
        Ledger = (await connection.QueryAsync<LedgerRow>(new CommandDefinition(
            $"SELECT {LedgerQuery.Columns} {LedgerQuery.Source} WHERE l.user_id = @Id ORDER BY l.at DESC, l.id DESC LIMIT 100",
            new { Id }, cancellationToken: cancellationToken))).ToList();
        return true;
    }
}
