namespace WxBind.Wechat;

/// <summary>The <c>errcode</c> values a client acts on (wechat-protocol.md §10; WeChat doc 全局返回码说明).</summary>
internal static class WechatErrorCodes
{
    public const int SystemBusy = -1;
    public const int Ok = 0;
    public const int InvalidCredential = 40001;
    public const int InvalidGrantType = 40002;
    public const int InvalidOpenId = 40003;
    public const int InvalidAppId = 40013;
    public const int InvalidAccessToken = 40014;
    public const int InvalidCode = 40029;
    public const int InvalidRefreshToken = 40030;
    public const int InvalidTemplateId = 40037;
    public const int InvalidAppSecret = 40125;
    public const int CodeBeenUsed = 40163;
    public const int IpNotInWhitelist = 40164;
    public const int AppSecretFrozen = 40243;
    public const int AccessTokenMissing = 41001;
    public const int AppIdMissing = 41002;
    public const int AppSecretMissing = 41004;
    public const int OauthCodeMissing = 41008;
    public const int AccessTokenExpired = 42001;
    public const int RefreshTokenExpired = 42002;
    public const int CodeExpired = 42003;
    public const int RequireSubscribe = 43004;
    public const int RecipientBlacklisted = 43019;
    public const int ArticleSizeOutOfLimit = 45008;
    public const int DailyQuotaReached = 45009;
    public const int MinuteQuotaReached = 45011;
    public const int ResponseOutOfTimeLimit = 45015;
    public const int ResponseCountLimit = 45047;
    public const int DataFormatError = 47001;
    public const int ArgumentInvalid = 47003;
    public const int ApiUnauthorized = 48001;
    public const int ClearQuotaLimit = 48006;
    public const int UserNotFollowing = 50005;

    /// <summary>Codes that mean "this access_token is no good": refresh and retry once (WxJava's set).</summary>
    public static bool IsAccessTokenError(int errCode) =>
        errCode is InvalidCredential or InvalidAccessToken or AccessTokenExpired;
}
