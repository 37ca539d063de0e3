using WxBind.CommandLine;
using WxBind.Wechat;

namespace WxBind.Menu;

/// <summary><c>menu publish</c>: sends the configured menu to WeChat now, changed or not.</summary>
internal sealed class MenuPublishCommand(MenuPublisher publisher) : ICommand
{
    public string Name => "menu publish";

    public string Arguments => "";

    public async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (arguments.Count != 0)
        {
            await error.WriteLineAsync($"Usage: {Name}");
            return CommandLineExtensions.UsageError;
        }
        try
        {
            await publisher.PublishAsync(force: true, cancellationToken);
        }
        catch (WechatApiException e)
        {
            await error.WriteLineAsync($"WeChat refused the menu: errcode {e.ErrCode} ({e.ErrMsg}).");
            return 1;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"WeChat could not be reached: {e.Message}");
            return 1;
        }
        var buttons = publisher.BuildRequest().Button;
        await output.WriteLineAsync($"Published the menu: {string.Join(" | ", buttons.Select(b => b.SubButton is { } subs ? $"{b.Name} ({string.Join(", ", subs.Select(s => s.Name))})" : b.Name))}.");
        return 0;
    }
}
