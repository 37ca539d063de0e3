namespace WxBind.Wechat;

/// <summary>
/// A push or reply that cannot be decrypted: bad Base64, bad length, wrong key or a foreign appid.
/// The caller answers 401; the reason is for the log, never for the sender.
/// </summary>
internal sealed class WechatCryptoException(string message, Exception? inner = null) : Exception(message, inner);
