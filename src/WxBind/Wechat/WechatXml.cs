using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace WxBind.Wechat;

/// <summary>
/// XML in and out for pushes and passive replies. Input is parsed with DTDs prohibited and no
/// resolver, so entity expansion ("billion laughs") and external entities fail as malformed XML.
/// </summary>
internal static class WechatXml
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        OmitXmlDeclaration = true,
        Encoding = new UTF8Encoding(false),
    };

    /// <summary>Parses a document; throws <see cref="XmlException"/> for anything malformed or with a DTD.</summary>
    public static XDocument Parse(Stream stream)
    {
        using var reader = XmlReader.Create(stream, ReaderSettings);
        return XDocument.Load(reader);
    }

    public static XDocument Parse(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings);
        return XDocument.Load(reader);
    }

    /// <summary>
    /// Writes <c>&lt;xml&gt;</c> with the given elements in order: strings as CDATA, numbers bare, the
    /// form WeChat's own samples use (§2.5).
    /// </summary>
    public static string Write(Action<XmlWriter> writeElements)
    {
        var builder = new StringBuilder();
        using (var writer = XmlWriter.Create(builder, WriterSettings))
        {
            writer.WriteStartElement("xml");
            writeElements(writer);
            writer.WriteEndElement();
        }
        return builder.ToString();
    }

    public static void WriteCData(this XmlWriter writer, string name, string value)
    {
        writer.WriteStartElement(name);
        // XmlWriter splits a "]]>" inside the value into two CDATA sections, so any text is safe.
        writer.WriteCData(value);
        writer.WriteEndElement();
    }

    public static void WriteNumber(this XmlWriter writer, string name, long value) =>
        writer.WriteElementString(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>The encrypted reply envelope of §3.4, in the official sample's element order.</summary>
    public static string EncryptedEnvelope(string encrypt, string msgSignature, long timeStamp, string nonce) => Write(w =>
    {
        w.WriteCData("Encrypt", encrypt);
        w.WriteCData("MsgSignature", msgSignature);
        w.WriteNumber("TimeStamp", timeStamp);
        w.WriteCData("Nonce", nonce);
    });
}
