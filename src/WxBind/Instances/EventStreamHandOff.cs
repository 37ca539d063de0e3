namespace WxBind.Instances;

/// <summary>
/// When this instance is asked to stop (a rolling restart, <c>cluster.sh stop-instance</c>, SIGTERM),
/// its open Server-Sent Events streams end at once and cleanly, so the pages' EventSource reconnects
/// through the balancer to another instance; other requests in flight still finish. Without it a
/// live page would hold the stopping instance until the host's shutdown timeout, and the process
/// manager would kill it with whatever else was in flight.
/// </summary>
internal static class EventStreamHandOff
{
    private const string EventStream = "text/event-stream";

    public static IApplicationBuilder UseEventStreamHandOff(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use(async (context, next) =>
        {
            // Event streams are GET requests; everything else passes untouched.
            if (!HttpMethods.IsGet(context.Request.Method))
            {
                await next(context);
                return;
            }
            var aborted = context.RequestAborted;
            using var handOff = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            // The endpoint binds its CancellationToken from here: a stream ends when this source is cancelled.
            context.RequestAborted = handOff.Token;
            using var onStopping = stopping.Register(() =>
            {
                if (IsEventStream(context.Response))
                {
                    handOff.Cancel();
                }
            });
            try
            {
                await next(context);
            }
            catch (OperationCanceledException) when (handOff.IsCancellationRequested && !aborted.IsCancellationRequested && IsEventStream(context.Response))
            {
                // Handed off: the stream ends normally and the page reconnects elsewhere.
            }
        });
    }

    private static bool IsEventStream(HttpResponse response) =>
        response.HasStarted && response.ContentType?.StartsWith(EventStream, StringComparison.OrdinalIgnoreCase) == true;
}
