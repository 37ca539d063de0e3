using System.Globalization;
using System.Text;

namespace WxBind.Wechat;

/// <summary>
/// Makes user text (display names, titles) safe to put in a message the Official Account sends.
/// WeChat renders <c>&lt;a href&gt;</c> in text messages as a link and turns web addresses into
/// links, so a name could otherwise pose as an official link. Chinese and other text is kept.
/// </summary>
internal static class WechatText
{
    /// <summary>
    /// Angle brackets become their full-width forms (＜ ＞), control and invisible formatting
    /// characters (line breaks, right-to-left overrides) a space, and web addresses are broken so
    /// WeChat does not link them: <c>://</c> → <c>:／／</c> and <c>www.</c> → <c>www．</c>.
    /// </summary>
    public static string Plain(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var plain = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            plain.Append(c switch
            {
                '<' => '＜',
                '>' => '＞',
                '/' when i > 0 && (text[i - 1] == ':' || plain[^1] == '／') => '／',
                '.' when i >= 3 && text.AsSpan(i - 3, 3).Equals("www", StringComparison.OrdinalIgnoreCase) => '．',
                _ when char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format => ' ',
                _ => c,
            });
        }
        return plain.ToString();
    }
}
