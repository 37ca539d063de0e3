namespace WxBind.Callback;

internal static class CallbackEndpoints
{
    /// <summary>The URL configured on WeChat's 服务器配置 page: <c>GET/POST /wechat/callback</c>.</summary>
    public static IEndpointRouteBuilder MapCallback(this IEndpointRouteBuilder endpoints)
    {
        // The memory of accepted pushes starts with the app, not with its first push: pushes stamped
        // before it began are judged by the database alone (see CallbackService).
        _ = endpoints.ServiceProvider.GetRequiredService<DeliveryMemory>();
        var group = endpoints.MapGroup("/wechat/callback").ExcludeFromDescription();
        group.MapGet("", (HttpRequest request, CallbackService callback) => callback.Verify(request));
        group.MapPost("", (HttpRequest request, CallbackService callback, CancellationToken cancellationToken) =>
            callback.ReceiveAsync(request, cancellationToken));
        return endpoints;
    }
}
