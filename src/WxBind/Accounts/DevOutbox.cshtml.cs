using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace WxBind.Accounts;

/// <summary><c>/dev/outbox</c>: in Development, the mails the site would have sent. Absent elsewhere.</summary>
public sealed class DevOutboxModel : PageModel
{
    public IReadOnlyList<OutgoingMail> Mails { get; private set; } = [];

    public IActionResult OnGet()
    {
        var environment = HttpContext.RequestServices.GetRequiredService<IHostEnvironment>();
        if (!environment.IsDevelopment() || HttpContext.RequestServices.GetService<DevOutbox>() is not { } outbox)
        {
            return NotFound();
        }
        Response.Headers.CacheControl = "no-store";
        Mails = outbox.Mails;
        return Page();
    }
}
