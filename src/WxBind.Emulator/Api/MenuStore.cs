using System.Text.Json.Nodes;

namespace WxBind.Emulator.Api;

/// <summary>The custom menu set by <c>/cgi-bin/menu/create</c>; the phone page renders it.</summary>
internal sealed class MenuStore
{
    private readonly Lock _gate = new();
    private JsonObject? _menu;

    public JsonObject? Current
    {
        get { lock (_gate) { return _menu?.DeepClone().AsObject(); } }
        set { lock (_gate) { _menu = value?.DeepClone().AsObject(); } }
    }
}
