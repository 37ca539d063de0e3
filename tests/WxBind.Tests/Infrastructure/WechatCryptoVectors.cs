namespace WxBind.Tests.Infrastructure;

/// <summary>The published vectors of wechat-protocol.md §3.6, for the app's crypto and the emulator's alike.</summary>
internal static class WechatCryptoVectors
{
    public const string V1Key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    public const string V1AppId = "wxb11529c136998cb6";
    public const string V1Encrypt = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";

    public const string V2AppId = "wx2c2769f8efd9abc2";
    public const string V2Encrypt =
        "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";

    public const string V4Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    public const string V4AppId = "wx5823bf96d3bd56c7";
    public const string V4Encrypt =
        "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

    public const string V5Message =
        "<xml><ToUserName><![CDATA[oUser123]]></ToUserName><FromUserName><![CDATA[gh_test]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content></xml>";
    public const string V5Encrypt =
        "Q3stYC6hdFzMh9T8HCvyDCUA8vOyjEaXY/I3/TNToR9p6y6gb6lJiGDpb2esSVSimVEdgOSv0F5o6SsdhvdTwlHwH4AXE+k+0mHIW8HR6XJUYqU/kYcjLZWL63JvLepo14ORJPnKj7fdFHMF89QPSA16mUHqGmceQyPY1S+N5qQvAjq56FESWxys8JfH5zbR3BlO1qj0+B+vYS0P883FmF+smRfcUZ6A0PEIEPX54FEgIsvwXZywMJLjDv7moOzw0edkV4/w713pZuX4K2MmHuFnEgkPOFCcL/fUJRwvalV/mHHrmle2lzZsA55k5djaTRiT133wczi7BJ1ak3pASw==";
}
