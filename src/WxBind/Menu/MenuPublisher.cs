using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.Menu;

/// <summary>
/// Publishes the configured menu through <c>cgi-bin/menu/create</c>. The hash of what was last
/// published is kept in <c>wechat_menu_state</c>, so start-up publishes only when the menu changed
/// (and several instances starting together do not all call WeChat); the command forces it.
/// </summary>
internal sealed partial class MenuPublisher(
    Database database, WechatApiClient wechat, IOptions<MenuOptions> menu, IOptions<WechatOptions> account, IOptions<WxBindOptions> site,
    TimeProvider time, ILogger<MenuPublisher> logger)
{
    /// <summary>The request WeChat gets: view paths made absolute on the public base URL.</summary>
    public MenuCreateRequest BuildRequest() => new() { Button = menu.Value.Buttons.Select(ToButton).ToList() };

    /// <returns>True when the menu was sent to WeChat; false when it was unchanged and <paramref name="force"/> was not set.</returns>
    public async Task<bool> PublishAsync(bool force, CancellationToken cancellationToken)
    {
        var request = BuildRequest();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request))));
        var appId = account.Value.AppId;
        if (!force)
        {
            await using var read = await database.OpenAsync(cancellationToken);
            var last = await read.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT hash FROM wechat_menu_state WHERE app_id = @appId", new { appId }, cancellationToken: cancellationToken));
            if (last == hash)
            {
                LogUnchanged(logger);
                return false;
            }
        }
        // WeChat first, then the record: a failed publish is tried again at the next start.
        await wechat.CreateMenuAsync(request, cancellationToken);
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO wechat_menu_state (app_id, hash, published_at) VALUES (@appId, @hash, @at)
            ON CONFLICT (app_id) DO UPDATE SET hash = excluded.hash, published_at = excluded.published_at
            """, new { appId, hash, at = time.GetUtcNow() }, cancellationToken: cancellationToken));
        LogPublished(logger, request.Button.Count);
        return true;
    }

    private MenuButton ToButton(MenuItemOptions item) => item.SubButtons.Count > 0
        ? new MenuButton { Name = item.Name, SubButton = item.SubButtons.Select(ToButton).ToList() }
        : new MenuButton
        {
            Name = item.Name,
            Type = item.Type,
            Key = item.Type == "click" ? item.Key : null,
            Url = item.Type == "view" ? Absolute(item.Url!) : null,
        };

    private string Absolute(string url) => url.StartsWith('/') ? site.Value.PublicBaseUrl.TrimEnd('/') + url : url;

    [LoggerMessage(9201, LogLevel.Information, "Published the custom menu ({Buttons} top buttons)")]
    private static partial void LogPublished(ILogger logger, int buttons);

    [LoggerMessage(9202, LogLevel.Information, "The custom menu is unchanged since it was last published")]
    private static partial void LogUnchanged(ILogger logger);
}
