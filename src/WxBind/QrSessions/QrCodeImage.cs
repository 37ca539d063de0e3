using QRCoder;

namespace WxBind.QrSessions;

/// <summary>Renders WeChat's QR <c>url</c> locally: no second round trip to showqrcode.</summary>
internal static class QrCodeImage
{
    public static byte[] Png(string content)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(content, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8);
    }
}
