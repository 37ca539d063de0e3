using Microsoft.AspNetCore.Http.HttpResults;

namespace WxBind.Callback;

internal static class CallbackEndpoints
{
    private static readonly PathString Path = new("/wechat/callback");

    /// <summary>
    /// The URL configured on WeChat's 服务器配置 page: <c>GET/POST /wechat/callback</c>. WeChat's
    /// pushes branch off the pipeline here, before the pages' middleware (static files, cultures,
    /// cookies and sign-in, forms): none of it applies to a server-to-server push, and a push is
    /// the one request that comes by the thousand.
    /// </summary>
    public static IApplicationBuilder UseCallback(this IApplicationBuilder app)
    {
        // The memory of accepted pushes starts with the app, not with its first push: pushes stamped
        // before it began are judged by the database alone (see CallbackService).
        var callback = app.ApplicationServices.GetRequiredService<CallbackService>();
        return app.MapWhen(context => context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase), branch => branch.Run(async context =>
        {
            var request = context.Request;
            var result = HttpMethods.IsPost(request.Method) ? await callback.ReceiveAsync(request, context.RequestAborted)
                : HttpMethods.IsGet(request.Method) ? callback.Verify(request)
                : MethodNotAllowed(context);
            await result.ExecuteAsync(context);
        }));
    }

    private static StatusCodeHttpResult MethodNotAllowed(HttpContext context)
    {
        context.Response.Headers.Allow = "GET, POST";
        return TypedResults.StatusCode(StatusCodes.Status405MethodNotAllowed);
    }
}
