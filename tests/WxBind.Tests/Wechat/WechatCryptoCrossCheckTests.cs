using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WxBind.Callback;
using WxBind.Storage;
using WxBind.Tests.Callback;
using WxBind.Tests.Infrastructure;
using WxBind.Wechat;

namespace WxBind.Tests.Wechat;

/// <summary>
/// Our message crypto against node-webot's <c>wechat-crypto</c> (tests/crosscheck), an
/// implementation we did not write: each side must read what the other wrote.
/// </summary>
public sealed class WechatCryptoCrossCheckTests
{
    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task TheirEncryptedPushIsHandledByOurEndpointAndOurReplyDecryptsWithTheirs(StorageProvider provider)
    {
        await using var app = await CallbackEndpointTests.StartAsync(provider, WechatMessageMode.Safe);
        var options = app.Push.Options;
        var timestamp = app.Push.Now.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var theirs = await RunAsync(new
        {
            mode = "encrypt", token = options.Token, aesKey = options.EncodingAesKey, appid = options.AppId,
            text = WechatPush.TextXml("oNodeUser", "你好 from node", 777001), timestamp, nonce = "246810",
        });
        var encrypt = (string)theirs["encrypt"]!;
        var response = await app.Push.PostRawAsync(
            $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>",
            timestamp, "246810", (string)theirs["msgSignature"]!);

        var envelope = WechatMessage.Parse(await response.Content.ReadAsStringAsync());
        var opened = await RunAsync(new
        {
            mode = "decrypt", token = options.Token, aesKey = options.EncodingAesKey, appid = options.AppId,
            encrypt = envelope.Get("Encrypt"), timestamp = envelope.Get("TimeStamp"), nonce = envelope.Get("Nonce"),
            msgSignature = envelope.Get("MsgSignature"),
        });
        Assert.True((bool)opened["signatureValid"]!);
        Assert.Equal(options.AppId, (string?)opened["appid"]);
        var reply = WechatMessage.Parse((string)opened["text"]!);
        Assert.Equal("oNodeUser", reply.ToUserName);
        Assert.Equal(HelpReplyHandler.HelpText, reply.Content);
    }

    [Theory]
    [InlineData("我是中文abcd123")]
    [InlineData("")]
    [InlineData("exactly thirty-two bytes here!!!")]
    [InlineData("<xml><Content><![CDATA[emoji 🎉 and ]]]]><![CDATA[> inside]]></Content></xml>")]
    public async Task EachSideDecryptsWhatTheOtherEncrypted(string text)
    {
        var ours = new WechatMessageCrypto(WechatCryptoVectors.V1Key, WechatCryptoVectors.V1AppId);
        var ourEncrypt = ours.Encrypt(text);
        var ourSignature = WechatSignature.ComputeMsgSignature("pamtest", "1409304348", "xxxxxx", ourEncrypt);

        var theirDecrypt = await RunAsync(new
        {
            mode = "decrypt", token = "pamtest", aesKey = WechatCryptoVectors.V1Key, appid = WechatCryptoVectors.V1AppId,
            encrypt = ourEncrypt, timestamp = "1409304348", nonce = "xxxxxx", msgSignature = ourSignature,
        });
        var theirEncrypt = await RunAsync(new
        {
            mode = "encrypt", token = "pamtest", aesKey = WechatCryptoVectors.V1Key, appid = WechatCryptoVectors.V1AppId,
            text, timestamp = "1409304348", nonce = "xxxxxx",
        });

        Assert.Equal(text, (string?)theirDecrypt["text"]);
        Assert.Equal(WechatCryptoVectors.V1AppId, (string?)theirDecrypt["appid"]);
        Assert.True((bool)theirDecrypt["signatureValid"]!);
        Assert.Equal(text, ours.Decrypt((string)theirEncrypt["encrypt"]!));
        Assert.Equal(WechatSignature.ComputeMsgSignature("pamtest", "1409304348", "xxxxxx", (string)theirEncrypt["encrypt"]!),
            (string?)theirEncrypt["msgSignature"]);
    }

    /// <summary>Runs <c>node tests/crosscheck/crosscheck.js</c> with one JSON request.</summary>
    private static async Task<JsonNode> RunAsync(object request)
    {
        var directory = Path.Combine(RepositoryRoot(), "tests", "crosscheck");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "wechat-crypto")))
        {
            Assert.Fail("tests/crosscheck/node_modules is missing: run `npm ci --prefix tests/crosscheck` first.");
        }

        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { Path.Combine(directory, "crosscheck.js") },
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(request));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(process.ExitCode == 0, $"node crosscheck.js failed: {await error}");
        return JsonNode.Parse(await output) ?? throw new InvalidOperationException("crosscheck.js wrote no JSON.");
    }

    /// <summary>The folder holding WxBind.slnx, found by walking up from the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WxBind.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No WxBind.slnx above {AppContext.BaseDirectory}.");
    }
}
