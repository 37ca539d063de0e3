using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using WxBind.Localization;

namespace WxBind.Home;

/// <summary>One readable page for every error status, in the user's language.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel(IStringLocalizer<SharedResource> text) : PageModel
{
    public int Status { get; private set; }

    public string Message { get; private set; } = "";

    public void OnGet(int? code) => Show(code);

    public void OnPost(int? code) => Show(code);

    private void Show(int? code)
    {
        // A re-executed POST whose form cannot be read binds nothing: the original status still counts.
        Status = code ?? HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>()?.OriginalStatusCode ?? 500;
        Message = Status switch
        {
            400 => text["Error400"],
            403 => text["Error403"],
            404 => text["Error404"],
            429 => text["TooManyRequests"],
            _ => text["Error500"],
        };
        Response.StatusCode = Status;
    }
}
