using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.WechatWeb;

namespace WxBind.Tests.WechatWeb;

/// <summary>The signed link itself: what is signed, what breaks it, how long it lives.</summary>
public sealed class SignedLinksTests
{
    private const string OpenId = "oWx_test_0000000000000000001";
    private const string OtherOpenId = "oWx_test_0000000000000000002";

    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    public static TheoryData<StorageProvider, string> ProvidersAndFields
    {
        get
        {
            var data = new TheoryData<StorageProvider, string>();
            foreach (var provider in TestDatabases.Providers)
            {
                foreach (var name in new[] { "openid", "ts", "nonce", "return", "sig" })
                {
                    data.Add(provider, name);
                }
            }
            return data;
        }
    }

    private static QueryCollection Query(string link) => new(QueryHelpers.ParseQuery(new Uri(link).Query));

    private static Task<LinkCheck> VerifyAsync(WxBindFactory app, string link) =>
        app.Services.GetRequiredService<SignedLinks>().VerifyAsync(Query(link), default);

    private static Task<string> CreateAsync(WxBindFactory app, string openId = OpenId, string? returnPath = "/wx/orders") =>
        app.Services.GetRequiredService<SignedLinks>().CreateAsync(openId, returnPath, default);

    [Fact]
    public void CanonicalStringLengthPrefixesEveryField()
    {
        Assert.Equal("wxbind-link-v1\n6:oAbcde\n10:1763712000\n3:n-1\n7:/orders", SignedLinks.Canonical("oAbcde", "1763712000", "n-1", "/orders"));
        Assert.Equal("wxbind-link-v1\n6:oAbcde\n1:1\n1:n\n0:", SignedLinks.Canonical("oAbcde", "1", "n", ""));
        // Moving characters from one field to the next never yields the same text.
        Assert.NotEqual(SignedLinks.Canonical("oAbcde", "12", "3n", ""), SignedLinks.Canonical("oAbcde", "123", "n", ""));
        Assert.NotEqual(SignedLinks.Canonical("oAbcde", "1", "n", "/a"), SignedLinks.Canonical("oAbcde", "1", "n/a", ""));
    }

    [Fact]
    public void SignatureIsLowercaseHexHmacSha256OfTheCanonicalString()
    {
        var key = Encoding.UTF8.GetBytes("0123456789abcdef0123456789abcdef");
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(SignedLinks.Canonical(OpenId, "1", "n", "/x"))));

        Assert.Equal(expected, SignedLinks.Sign(key, OpenId, "1", "n", "/x"));
        Assert.Matches("^[0-9a-f]{64}$", expected);
    }

    [Theory, MemberData(nameof(ProvidersAndFields))]
    public async Task ChangingAnyFieldBreaksTheSignature(StorageProvider provider, string field)
    {
        await using var app = await WxBindFactory.CreateAsync(provider);
        var link = await CreateAsync(app);
        var query = QueryHelpers.ParseQuery(new Uri(link).Query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());
        query[field] = field switch
        {
            "openid" => OtherOpenId,
            "ts" => (long.Parse(query["ts"]!, System.Globalization.CultureInfo.InvariantCulture) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "nonce" => query["nonce"] + "x",
            "return" => "/account",
            _ => new string('0', 64),
        };

        var check = await VerifyAsync(app, QueryHelpers.AddQueryString("http://localhost/wx/login", query));

        Assert.Equal(LinkStatus.BadSignature, check.Status);
        Assert.Null(check.OpenId);
        // The untouched link still works: a refused forgery spends nothing.
        Assert.Equal(LinkStatus.Valid, (await VerifyAsync(app, link)).Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LinkIsAcceptedUntilItsLifetimeEnds(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider);
        var atTheEnd = await CreateAsync(app);
        var justAfter = await CreateAsync(app);

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var first = await VerifyAsync(app, atTheEnd);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await VerifyAsync(app, justAfter);

        Assert.Equal(LinkStatus.Valid, first.Status);
        Assert.Equal(OpenId, first.OpenId);
        Assert.Equal("/wx/orders", first.ReturnPath);
        Assert.Equal(LinkStatus.Expired, second.Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ConfiguredLifetimeIsUsed(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider, new Dictionary<string, string?> { ["WechatWeb:LinkLifetime"] = "00:02:00" });
        var link = await CreateAsync(app);

        app.Clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        Assert.Equal(LinkStatus.Expired, (await VerifyAsync(app, link)).Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LinkFromTheFutureIsRefusedBeyondASmallSkew(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider);
        var slightly = await CreateAsync(app);
        var far = await CreateAsync(app);

        app.Clock.Advance(TimeSpan.FromSeconds(-30));
        var nearCheck = await VerifyAsync(app, slightly);
        app.Clock.Advance(TimeSpan.FromSeconds(-1));
        var farCheck = await VerifyAsync(app, far);

        Assert.Equal(LinkStatus.Valid, nearCheck.Status);
        Assert.Equal(LinkStatus.Expired, farCheck.Status);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task NonceIsSpentOnceAndForgottenAfterExpiry(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider);
        var link = await CreateAsync(app);

        Assert.Equal(LinkStatus.Valid, (await VerifyAsync(app, link)).Status);
        Assert.Equal(LinkStatus.Reused, (await VerifyAsync(app, link)).Status);
        Assert.Equal(1, await WechatWebTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM link_nonces", null));

        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await VerifyAsync(app, await CreateAsync(app));

        // Only the new link's nonce is left: the old one could no longer pass the time check anyway.
        Assert.Equal(1, await WechatWebTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM link_nonces", null));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task GeneratedSecretIsStoredOnceAndSharedByInstances(StorageProvider provider)
    {
        await using var first = await WxBindFactory.CreateAsync(provider);
        var link = await CreateAsync(first);
        await using var second = WxBindFactory.SharingDatabaseOf(first);

        Assert.Equal(LinkStatus.Valid, (await VerifyAsync(second, link)).Status);
        Assert.Equal(1, await WechatWebTestKit.ScalarAsync<long>(first, "SELECT COUNT(*) FROM server_secrets", null));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ConfiguredSecretSignsTheLinks(StorageProvider provider)
    {
        const string Secret = "a-configured-link-secret-of-40-chars-000";
        await using var app = await WxBindFactory.CreateAsync(provider, new Dictionary<string, string?> { ["WechatWeb:LinkSecret"] = Secret });
        var query = Query(await CreateAsync(app, returnPath: null));

        Assert.Equal(SignedLinks.Sign(Encoding.UTF8.GetBytes(Secret), OpenId, query["ts"]!, query["nonce"]!, ""), query["sig"].ToString());
        Assert.False(query.ContainsKey("return"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ShortConfiguredSecretFailsAtStartNamingTheKey(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider, new Dictionary<string, string?> { ["WechatWeb:LinkSecret"] = "too-short" });

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("WechatWeb:LinkSecret", error.ToString(), StringComparison.Ordinal);
    }
}
