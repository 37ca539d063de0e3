using Microsoft.AspNetCore.Http.Extensions;

namespace WxBind.Admin;

/// <summary>Previous/next links that keep the page's other query parameters (its filters).</summary>
internal sealed record Pager(int PageNumber, bool HasNext, IQueryCollection Query)
{
    public string Link(int page)
    {
        var query = new QueryBuilder(Query.Where(q => q.Key != "p").SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))));
        query.Add("p", page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return query.ToString();
    }
}
