using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using WxBind.Admin;
using WxBind.Localization;
using WxBind.Storage;

namespace WxBind.Orders;

/// <summary>
/// <c>/admin/orders</c>: every order, newest first, with the buttons that move it on and, per order,
/// each WeChat notice and WeChat's answer (from <c>wechat_deliveries</c>).
/// </summary>
[Authorize(Policy = AdminExtensions.Policy)]
public sealed class AdminOrdersModel(IStringLocalizer<SharedResource> text) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public IReadOnlyList<Order> Orders { get; private set; } = [];

    public bool HasNext { get; private set; }

    public IReadOnlyDictionary<string, string> Emails { get; private set; } = new Dictionary<string, string>();

    public ILookup<string, NoticeRow> Notices { get; private set; } = Array.Empty<NoticeRow>().ToLookup(n => n.Purpose);

    /// <summary>The result of the last change, shown above the list.</summary>
    public string? Message { get; private set; }

    public bool MessageIsError { get; private set; }

    private T Service<T>() where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();

    public Task OnGetAsync() => LoadAsync();

    public async Task<IActionResult> OnPostStatusAsync(long id, string? to)
    {
        if (to is null || !OrderStatus.All.Contains(to))
        {
            return await ShowAsync(StatusCodes.Status400BadRequest, text["AdminOrdersNotAllowed"], error: true);
        }
        var change = await Service<OrderService>().ChangeStatusAsync(id, to, ownerId: null, AuditActor.From(User), HttpContext.RequestAborted);
        return change.Result switch
        {
            StatusChangeResult.NotFound => await ShowAsync(StatusCodes.Status404NotFound, text["AdminOrdersNotFound"], error: true),
            StatusChangeResult.NotAllowed => await ShowAsync(StatusCodes.Status409Conflict, text["AdminOrdersNotAllowed"], error: true),
            _ => await ShowAsync(StatusCodes.Status200OK,
                $"{text["AdminOrdersChanged", id, text[OrderStatus.ResourceKey(to)]]} {NoticeText(change.Notice)}", error: change.Notice?.Outcome is "refused" or "failed"),
        };
    }

    /// <summary>"微信通知：被拒绝（43004 用户未关注）" and the like; empty when nobody is told about this status.</summary>
    public string NoticeText(OrderNotice? notice) => notice is null ? "" : notice.Outcome switch
    {
        OrderNotice.NotBound => text["AdminOrdersNoticeNotBound"],
        "refused" => text["AdminOrdersNoticeRefused", ErrCodeText(notice.ErrCode)],
        "failed" => text["AdminOrdersNoticeFailed"],
        _ => text["AdminOrdersNoticeSent"],
    };

    /// <summary>An errcode with what it means for the administrator, e.g. "43004 用户未关注公众号".</summary>
    public string ErrCodeText(int errCode)
    {
        var meaning = text[$"AdminErrCode_{errCode}"];
        return meaning.ResourceNotFound ? errCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{errCode} {meaning}";
    }

    private async Task<IActionResult> ShowAsync(int status, string message, bool error)
    {
        Message = message;
        MessageIsError = error;
        Response.StatusCode = status;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        PageNumber = Math.Max(1, PageNumber);
        Status = Status is not null && OrderStatus.All.Contains(Status) ? Status : null;
        var rows = await Service<OrderStore>().ListAsync(Status, PageSize + 1, (PageNumber - 1) * PageSize, HttpContext.RequestAborted);
        HasNext = rows.Count > PageSize;
        Orders = rows.Take(PageSize).ToList();
        if (Orders.Count == 0)
        {
            return;
        }
        var database = Service<Database>();
        await using var connection = await database.OpenAsync(HttpContext.RequestAborted);
        // Dapper passes a list to Npgsql as one array parameter, and expands it for SQLite.
        string In(string name) => database.IsPostgres ? $"= ANY(@{name})" : $"IN @{name}";
        var userIds = Orders.Select(o => o.UserId).Distinct().ToList();
        Emails = (await connection.QueryAsync<(string Id, string Email)>($"SELECT id, email FROM users WHERE id {In(nameof(userIds))}", new { userIds }))
            .ToDictionary(u => u.Id, u => u.Email);
        var purposes = Orders.Select(o => OrderService.DeliveryPurpose(o.Id)).ToList();
        Notices = (await connection.QueryAsync<NoticeRow>(
            $"SELECT purpose, kind, outcome, errcode, at FROM wechat_deliveries WHERE purpose {In(nameof(purposes))} ORDER BY id", new { purposes }))
            .ToLookup(n => n.Purpose);
    }

    public sealed class NoticeRow
    {
        public string Purpose { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Outcome { get; set; } = "";
        public int Errcode { get; set; }
        public DateTimeOffset At { get; set; }
    }
}
