using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace WxBind.Orders;

/// <summary>Checks the shop's configuration at start-up; each failure names its key.</summary>
internal sealed partial class OrdersOptionsValidator : IValidateOptions<OrdersOptions>
{
    public ValidateOptionsResult Validate(string? name, OrdersOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Products.Count; i++)
        {
            var product = options.Products[i];
            var key = $"Orders:Products:{i}";
            if (!ProductId().IsMatch(product.Id))
            {
                failures.Add($"{key}:Id must be 1-32 letters, digits, '-' or '_'.");
            }
            else if (!seen.Add(product.Id))
            {
                failures.Add($"{key}:Id \"{product.Id}\" is used by another product.");
            }
            if (string.IsNullOrWhiteSpace(product.Name) || product.Name.Length > 40)
            {
                failures.Add($"{key}:Name must be 1-40 characters.");
            }
            if (product.PriceFen is < 1 or > 100_000_000)
            {
                failures.Add($"{key}:PriceFen must be between 1 and 100000000 (fen).");
            }
        }
        if (options.MaxLines is < 1 or > 50)
        {
            failures.Add("Orders:MaxLines must be between 1 and 50.");
        }
        if (options.MaxQuantity is < 1 or > 999)
        {
            failures.Add("Orders:MaxQuantity must be between 1 and 999.");
        }
        if (options.RecentInReply is < 1 or > 10)
        {
            failures.Add("Orders:RecentInReply must be between 1 and 10.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex ProductId();
}
