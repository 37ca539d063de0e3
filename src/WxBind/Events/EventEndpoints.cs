using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using WxBind.Admin;
using WxBind.Localization;
using WxBind.QrSessions;
using WxBind.Realtime;

namespace WxBind.Events;

/// <summary>
/// The console's non-page endpoints of an event: the live counts (SSE), the door screen's next
/// code and its image, and the attendee CSV. Administrators only.
/// </summary>
internal static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/events/{id}").RequireAuthorization(AdminExtensions.Policy).ExcludeFromDescription();
        group.MapGet("/live", Live);
        group.MapPost("/door/code", NextDoorCodeAsync);
        group.MapGet("/door/qr/{scene}", DoorQrAsync);
        group.MapGet("/attendees.csv", CsvAsync);
        return endpoints;
    }

    public sealed record LiveCounts(int Registered, int CheckedIn, int Capacity, string Status, long LastScan);

    public sealed record DoorCodeView(string Image, DateTimeOffset RotateAt, DateTimeOffset AcceptUntil, int RefreshInMs);

    private static async Task<IResult> Live(string id, HttpContext http, EventStore store, IQrSessionNotifier notifier, CancellationToken cancellationToken)
    {
        if (await store.LiveCountsAsync(id, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.ServerSentEvents(Stream(id, store, notifier.Subscribe(EventService.RealtimeKey(id)), cancellationToken));
    }

    /// <summary>One <c>counts</c> event at once and after each change; a heartbeat re-reads anyway.</summary>
    private static async IAsyncEnumerable<SseItem<LiveCounts>> Stream(string id, EventStore store, IQrSessionSubscription subscription, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var _ = subscription;
        LiveCounts? sent = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var counts = await store.LiveCountsAsync(id, cancellationToken);
            if (counts is null)
            {
                yield break;
            }
            if (counts != sent)
            {
                sent = counts;
                yield return new SseItem<LiveCounts>(counts, "counts") { ReconnectionInterval = TimeSpan.FromSeconds(2) };
            }
            // A change or the heartbeat: re-read either way, in case a signal was missed (another instance reconnecting).
            await subscription.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
    }

    private static async Task<Results<Ok<DoorCodeView>, NotFound, ProblemHttpResult>> NextDoorCodeAsync(
        string id, HttpContext http, IAntiforgery antiforgery, EventStore store, DoorCodes codes, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.Problem("The antiforgery token is missing or wrong; reload the door page.", statusCode: StatusCodes.Status400BadRequest);
        }
        var item = await store.GetAsync(id, cancellationToken);
        if (item is null)
        {
            return TypedResults.NotFound();
        }
        if (!item.IsPublished || item.EndsAt <= time.GetUtcNow())
        {
            return TypedResults.Problem("Check-in codes are shown only for a published event that has not ended.", statusCode: StatusCodes.Status409Conflict);
        }
        var code = await codes.IssueAsync(item, cancellationToken);
        http.Response.Headers.CacheControl = "no-store";
        var refresh = (int)Math.Max(1000, (code.RotateAt - time.GetUtcNow()).TotalMilliseconds);
        return TypedResults.Ok(new DoorCodeView($"/admin/events/{id}/door/qr/{code.Scene}", code.RotateAt, code.AcceptUntil, refresh));
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult>> DoorQrAsync(string id, string scene, HttpContext http, DoorCodes codes, CancellationToken cancellationToken)
    {
        // A code that is no longer accepted is never drawn as if it still worked.
        if (await codes.LiveUrlAsync(id, scene, cancellationToken) is not { } url)
        {
            return TypedResults.StatusCode(StatusCodes.Status410Gone);
        }
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(QrCodeImage.Png(url), "image/png");
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> CsvAsync(
        string id, EventStore store, SiteClock clock, IStringLocalizer<SharedResource> text, CancellationToken cancellationToken)
    {
        var item = await store.GetAsync(id, cancellationToken);
        if (item is null)
        {
            return TypedResults.NotFound();
        }
        var csv = new StringBuilder();
        Row(csv, text["DisplayName"], text["Email"], text["EventSignedUpAt"], text["EventCheckedInAt"], text["EventCheckinNumber"], text["EventVia"]);
        foreach (var a in await store.AttendeesAsync(id, null, cancellationToken))
        {
            Row(csv, a.DisplayName, a.Email, clock.Format(a.RegisteredAt), a.CheckedInAt is { } at ? clock.Format(at) : "",
                a.CheckinNumber?.ToString(CultureInfo.InvariantCulture) ?? "", a.Via);
        }
        // The BOM lets Excel open the Chinese names as UTF-8.
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"event-{id}-attendees.csv");
    }

    private static void Row(StringBuilder csv, params string[] fields)
    {
        csv.AppendJoin(',', fields.Select(Field)).Append("\r\n");
    }

    /// <summary>Quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula.</summary>
    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
