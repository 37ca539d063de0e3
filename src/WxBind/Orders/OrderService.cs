using Microsoft.Extensions.Options;
using WxBind.Admin;
using WxBind.Binding;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.Orders;

/// <summary>Places orders from the configured products, and moves them through their statuses, telling the bound follower.</summary>
internal sealed partial class OrderService(
    OrderStore orders,
    Database database,
    AuditLog audit,
    BindingService bindings,
    WechatApiClient wechat,
    IOptions<OrdersOptions> shop,
    IOptions<WechatTemplatesOptions> templates,
    IOptions<WxBindOptions> site,
    TimeProvider time,
    ILogger<OrderService> logger)
{
    /// <summary>The <c>wechat_deliveries.purpose</c> of an order's status messages.</summary>
    public static string DeliveryPurpose(long orderId) => $"order_status:{orderId}";

    public IReadOnlyList<Product> Products => shop.Value.Products;

    /// <summary>Checks every line against the catalogue; stores the order only when all are good.</summary>
    /// <remarks>
    /// The forms send one line per product, most of them 0; those count for nothing but must still
    /// name a product, once. Only the lines with a quantity count against <c>Orders:MaxLines</c>.
    /// </remarks>
    public async Task<PlaceResult> PlaceAsync(string userId, IReadOnlyList<OrderLineInput>? lines, CancellationToken cancellationToken)
    {
        var options = shop.Value;
        if (lines is null || lines.Count == 0)
        {
            return PlaceResult.Fail(PlaceError.Empty);
        }
        if (lines.Count > Math.Max(options.MaxLines, options.Products.Count))
        {
            return PlaceResult.Fail(PlaceError.TooManyLines);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<OrderItem>();
        foreach (var line in lines)
        {
            var product = options.Products.FirstOrDefault(p => string.Equals(p.Id, line.ProductId, StringComparison.Ordinal));
            if (product is null)
            {
                return PlaceResult.Fail(PlaceError.UnknownProduct, line.ProductId);
            }
            if (line.Quantity < 0 || line.Quantity > options.MaxQuantity || !seen.Add(product.Id))
            {
                return PlaceResult.Fail(PlaceError.BadQuantity, line.ProductId);
            }
            if (line.Quantity > 0)
            {
                items.Add(new OrderItem(product.Id, product.Name, line.Quantity, product.PriceFen));
            }
        }
        if (items.Count == 0)
        {
            return PlaceResult.Fail(PlaceError.Empty);
        }
        if (items.Count > options.MaxLines)
        {
            return PlaceResult.Fail(PlaceError.TooManyLines);
        }
        // Listed as the catalogue lists them, whatever order the form fields arrived in.
        items = items.OrderBy(i => options.Products.FindIndex(p => p.Id == i.ProductId)).ToList();
        var now = time.GetUtcNow();
        var order = new Order
        {
            UserId = userId,
            Items = items,
            AmountFen = items.Sum(i => i.PriceFen * i.Quantity),
            Status = OrderStatus.Pending,
            CreatedAt = now,
            UpdatedAt = now,
        };
        order.Id = await orders.InsertAsync(order, cancellationToken);
        return new PlaceResult(order, null, null);
    }

    /// <summary>
    /// Moves an order on. <paramref name="ownerId"/> limits it to that account's orders (the API);
    /// <paramref name="admin"/> writes the change to the audit log in the same transaction.
    /// A move to shipped or cancelled is then told to the bound follower, once.
    /// </summary>
    public async Task<StatusChange> ChangeStatusAsync(long orderId, string to, string? ownerId, AuditActor? admin, CancellationToken cancellationToken)
    {
        var order = ownerId is null ? await orders.FindAsync(orderId, cancellationToken) : await orders.FindForUserAsync(orderId, ownerId, cancellationToken);
        if (order is null)
        {
            return new StatusChange(StatusChangeResult.NotFound, null, null);
        }
        if (!OrderStatus.Next(order.Status).Contains(to))
        {
            return new StatusChange(StatusChangeResult.NotAllowed, order, null);
        }
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            var now = time.GetUtcNow();
            if (!await OrderStore.ChangeStatusAsync(connection, transaction, order.Id, order.Status, to, now, cancellationToken))
            {
                return new StatusChange(StatusChangeResult.NotAllowed, order, null);
            }
            if (admin is not null)
            {
                await audit.RecordAsync(connection, transaction, admin, "order.status", order.UserId, $"#{order.Id}: {order.Status} → {to}", cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            order.Status = to;
            order.UpdatedAt = now;
        }
        // Sent after the commit: a WeChat call never holds the write turn.
        var notice = OrderStatus.IsNotified(to) ? await NotifyAsync(order, cancellationToken) : null;
        return new StatusChange(StatusChangeResult.Changed, order, notice);
    }

    /// <summary>
    /// One template message (or a customer-service text without a template) to the bound follower.
    /// WeChat's refusals are outcomes: the client records them in <c>wechat_deliveries</c> and they
    /// are shown to the administrator; nothing here retries them.
    /// </summary>
    private async Task<OrderNotice> NotifyAsync(Order order, CancellationToken cancellationToken)
    {
        var binding = await bindings.FindByUserAsync(order.UserId, cancellationToken);
        if (binding is null)
        {
            return new OrderNotice(OrderNotice.NotBound, 0);
        }
        var url = site.Value.PublicBaseUrl.TrimEnd('/') + "/wx/orders";
        var status = OrderStatus.Chinese(order.Status);
        try
        {
            if (templates.Value.OrderStatus is { Length: > 0 } templateId)
            {
                await wechat.SendTemplateMessageAsync(new MessageTemplateSendRequest
                {
                    ToUser = binding.OpenId,
                    TemplateId = templateId,
                    Url = url,
                    Purpose = DeliveryPurpose(order.Id),
                    // One message per order and status, even if this were ever sent twice.
                    ClientMsgId = $"order-{order.Id}-{order.Status}",
                    Data = new()
                    {
                        ["first"] = new() { Value = $"你的订单{status}" },
                        ["keyword1"] = new() { Value = order.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        ["keyword2"] = new() { Value = status },
                        ["keyword3"] = new() { Value = OrderStatus.Yuan(order.AmountFen) },
                        ["remark"] = new() { Value = order.Summary },
                    },
                }, cancellationToken);
            }
            else
            {
                var request = MessageCustomSendRequest.ForText(binding.OpenId,
                    $"你的订单 #{order.Id}（{order.Summary}，{OrderStatus.Yuan(order.AmountFen)}）{status}。<a href=\"{url}\">查看订单</a>");
                request.Purpose = DeliveryPurpose(order.Id);
                await wechat.SendCustomMessageAsync(request, cancellationToken);
            }
            return new OrderNotice(WechatDeliveryKind.Sent, 0);
        }
        catch (WechatApiException e)
        {
            LogNoticeRefused(logger, order.Id, e.ErrCode);
            return new OrderNotice(WechatDeliveryKind.Refused, e.ErrCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            LogNoticeFailed(logger, order.Id, e);
            return new OrderNotice(WechatDeliveryKind.Failed, WechatErrorCodes.SystemBusy);
        }
    }

    [LoggerMessage(9101, LogLevel.Warning, "WeChat refused the status message of order {OrderId} with errcode {ErrCode}")]
    private static partial void LogNoticeRefused(ILogger logger, long orderId, int errCode);

    [LoggerMessage(9102, LogLevel.Warning, "The status message of order {OrderId} could not be sent")]
    private static partial void LogNoticeFailed(ILogger logger, long orderId, Exception exception);
}

public sealed record OrderLineInput(string? ProductId, int Quantity);

public enum PlaceError { Empty, TooManyLines, UnknownProduct, BadQuantity }

public sealed record PlaceResult(Order? Order, PlaceError? Error, string? ProductId)
{
    public static PlaceResult Fail(PlaceError error, string? productId = null) => new(null, error, productId);
}

public enum StatusChangeResult { Changed, NotFound, NotAllowed }

public sealed record StatusChange(StatusChangeResult Result, Order? Order, OrderNotice? Notice);

/// <summary>How telling the follower went: <c>sent</c>, <c>refused</c> (with WeChat's errcode), <c>failed</c>, or <c>not-bound</c>.</summary>
public sealed record OrderNotice(string Outcome, int ErrCode)
{
    public const string NotBound = "not-bound";
}
