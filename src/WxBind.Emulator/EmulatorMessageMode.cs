namespace WxBind.Emulator;

/// <summary>How pushes are encoded (wechat-protocol.md §3.1).</summary>
public enum EmulatorMessageMode
{
    /// <summary>Plaintext XML, no <c>encrypt_type</c>.</summary>
    Plain,

    /// <summary>兼容模式: plaintext fields plus <c>Encrypt</c>; replies may be plain or encrypted.</summary>
    Compatible,

    /// <summary>安全模式: only <c>ToUserName</c> and <c>Encrypt</c>; replies must be encrypted.</summary>
    Safe,
}
