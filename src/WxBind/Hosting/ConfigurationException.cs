namespace WxBind.Hosting;

/// <summary>A setting that cannot work in this environment; the message is the whole explanation and names the key.</summary>
internal sealed class ConfigurationException(string message) : Exception(message);
