using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Identity;
using WxBind.Localization;
using WxBind.Storage;

namespace WxBind.Admin;

/// <summary><c>/admin/ledger</c>: the binding ledger, filtered by action, dates and user; exported as CSV.</summary>
internal sealed class LedgerModel(Database database, UserManager<User> users, SiteClock clock) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    /// <summary>An e-mail address or a user id.</summary>
    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<LedgerRow> Rows { get; private set; } = [];

    public bool HasNext { get; private set; }

    /// <summary>Why the filters match nothing (unknown user, reversed dates, unknown action).</summary>
    public string? FilterError { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        if (await BuildQueryAsync() is not { } query)
        {
            return;
        }
        var (where, parameters) = query.ToSql(clock);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<LedgerRow>(new CommandDefinition(
            $"SELECT {LedgerQuery.Columns} {LedgerQuery.Source} {where} ORDER BY l.at DESC, l.id DESC LIMIT {PageSize + 1} OFFSET {(PageNumber - 1) * PageSize}",
            parameters, cancellationToken: cancellationToken))).ToList();
        HasNext = rows.Count > PageSize;
        Rows = rows.Take(PageSize).ToList();
    }

    /// <summary>
    /// The filtered ledger as CSV, streamed row by row from the database: UTF-8 with a BOM so
    /// that Excel shows Chinese names correctly.
    /// </summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        if (await BuildQueryAsync() is not { } query)
        {
            // The page itself says what is wrong with the filters.
            return RedirectToPage(new { Action, From, To, user = UserFilter });
        }
        var (where, parameters) = query.ToSql(clock);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"ledger-{clock.Format(clock.Now, "yyyyMMdd-HHmm")}.csv\"";
        await Response.Body.WriteAsync(Encoding.UTF8.Preamble.ToArray(), cancellationToken);
        await using var writer = new StreamWriter(Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteLineAsync("id,time,action,user_id,email,display_name,openid,detail");
        await using var connection = await database.OpenAsync(cancellationToken);
        await foreach (var row in connection.QueryUnbufferedAsync<LedgerRow>(
            $"SELECT {LedgerQuery.Columns} {LedgerQuery.Source} {where} ORDER BY l.at, l.id", parameters).WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(string.Join(',',
                row.Id.ToString(CultureInfo.InvariantCulture), clock.Format(row.At, SiteClock.SecondsFormat),
                Csv(row.Action), Csv(row.UserId), Csv(row.Email), Csv(row.DisplayName), Csv(row.OpenId), Csv(row.Detail)));
        }
        await writer.FlushAsync(cancellationToken);
        return new EmptyResult();
    }

    /// <summary>Quotes a field; one that a spreadsheet would run as a formula is prefixed with an apostrophe.</summary>
    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }

    private async Task<LedgerQuery?> BuildQueryAsync()
    {
        var action = string.IsNullOrWhiteSpace(Action) ? null : Action.Trim();
        if (action is not null && !LedgerQuery.Actions.Contains(action))
        {
            FilterError = "AdminUnknownAction";
            return null;
        }
        if (From > To)
        {
            FilterError = "AdminDatesReversed";
            return null;
        }
        string? userId = null;
        if (!string.IsNullOrWhiteSpace(UserFilter))
        {
            var user = await users.FindByEmailAsync(UserFilter.Trim()) ?? await users.FindByIdAsync(UserFilter.Trim());
            if (user is null)
            {
                FilterError = "AdminUnknownUser";
                return null;
            }
            userId = user.Id;
        }
        return new LedgerQuery(action, From, To, userId);
    }
}
