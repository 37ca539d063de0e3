namespace WxBind.Orders;

/// <summary>
/// The shop (section <c>Orders</c>): what can be ordered, and how large an order may be. With no
/// <c>Orders:Products</c> configured, three sample products are offered.
/// </summary>
public sealed class OrdersOptions
{
    public const string Section = "Orders";

    /// <summary>The products on offer, each with a unique <see cref="Product.Id"/> and a price in fen.</summary>
    public List<Product> Products { get; set; } = [];

    /// <summary>Most different products in one order.</summary>
    public int MaxLines { get; set; } = 10;

    /// <summary>Most pieces of one product in one order.</summary>
    public int MaxQuantity { get; set; } = 99;

    /// <summary>How many orders the 订单 reply lists.</summary>
    public int RecentInReply { get; set; } = 5;

    internal static List<Product> DefaultProducts =>
    [
        new() { Id = "coffee", Name = "咖啡豆 250g", PriceFen = 6800 },
        new() { Id = "mug", Name = "马克杯", PriceFen = 3900 },
        new() { Id = "tshirt", Name = "T 恤", PriceFen = 9900 },
    ];
}

public sealed class Product
{
    /// <summary>Letters, digits, <c>-</c> and <c>_</c>; what the API and forms send.</summary>
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Price in fen (1 yuan = 100 fen), 1 or more.</summary>
    public long PriceFen { get; set; }
}
