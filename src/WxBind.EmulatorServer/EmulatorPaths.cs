namespace WxBind.EmulatorServer;

/// <summary>
/// The same prefix as inside the app, so the app's <c>Wechat:*BaseUrl</c> are
/// <c>http://host:port/emulator</c> either way and the phone page is at <c>/emulator/phone</c>.
/// </summary>
internal static class EmulatorPaths
{
    public const string Prefix = "/emulator";
}
