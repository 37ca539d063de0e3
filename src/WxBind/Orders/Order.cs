using System.Text.Json.Serialization;

namespace WxBind.Orders;

/// <summary>A row of <c>orders</c>: owned by a website account; <see cref="Items"/> is kept as JSON.</summary>
public sealed class Order
{
    public long Id { get; set; }
    public string UserId { get; set; } = "";
    public IReadOnlyList<OrderItem> Items { get; set; } = [];
    public long AmountFen { get; set; }
    public string Status { get; set; } = OrderStatus.Pending;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>"3 × 马克杯, 1 × T 恤".</summary>
    [JsonIgnore]
    public string Summary => string.Join(", ", Items.Select(i => $"{i.Quantity} × {i.Name}"));
}

/// <summary>One line: the product as it was priced when ordered.</summary>
public sealed record OrderItem(string ProductId, string Name, int Quantity, long PriceFen);

/// <summary><c>pending → paid → shipped → completed</c>, or <c>cancelled</c> before shipping.</summary>
public static class OrderStatus
{
    public const string Pending = "pending";
    public const string Paid = "paid";
    public const string Shipped = "shipped";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlyList<string> All = [Pending, Paid, Shipped, Completed, Cancelled];

    /// <summary>The statuses an order in <paramref name="status"/> may move to.</summary>
    public static IReadOnlyList<string> Next(string status) => status switch
    {
        Pending => [Paid, Cancelled],
        Paid => [Shipped, Cancelled],
        Shipped => [Completed],
        _ => [],
    };

    /// <summary>The changes the follower is told about in WeChat.</summary>
    public static bool IsNotified(string status) => status is Shipped or Cancelled;

    /// <summary>The resource key of a status's label, e.g. <c>OrderStatus_shipped</c>.</summary>
    public static string ResourceKey(string status) => $"OrderStatus_{status}";

    /// <summary>The Chinese label used in WeChat messages (the chat has no language switch).</summary>
    public static string Chinese(string status) => status switch
    {
        Pending => "待付款",
        Paid => "已付款",
        Shipped => "已发货",
        Completed => "已完成",
        Cancelled => "已取消",
        _ => status,
    };

    /// <summary>¥12.30 from 1230 fen.</summary>
    public static string Yuan(long fen) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"¥{fen / 100}.{fen % 100:00}");
}
