using System.Net;
using System.Text.RegularExpressions;

namespace WxBind.Tests.Infrastructure;

/// <summary>
/// An HttpClient that behaves like one browser: it keeps its cookies, does not follow redirects
/// (tests assert them), and can submit a page's form with the page's antiforgery token.
/// </summary>
public sealed partial class BrowserClient(HttpClient http) : IDisposable
{
    public HttpClient Http { get; } = http;

    public static BrowserClient Create(WxBindFactory factory) =>
        new(factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    public Task<HttpResponseMessage> GetAsync(string url) => Http.GetAsync(url);

    public async Task<string> GetStringAsync(string url)
    {
        var response = await Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>GETs <paramref name="pageUrl"/>, then POSTs <paramref name="fields"/> with its antiforgery token.</summary>
    public async Task<HttpResponseMessage> SubmitFormAsync(string pageUrl, IDictionary<string, string> fields, string? postUrl = null)
    {
        var html = await GetStringAsync(pageUrl);
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = AntiforgeryToken(html) };
        return await Http.PostAsync(postUrl ?? pageUrl, new FormUrlEncodedContent(form));
    }

    public static string AntiforgeryToken(string html)
    {
        var match = TokenRegex().Match(html);
        Assert.True(match.Success, "The page has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public async Task<HttpResponseMessage> RegisterAsync(string email, string password = "secret-pass-1", string displayName = "Tester") =>
        await SubmitFormAsync("/account/register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.DisplayName"] = displayName,
            ["Input.Password"] = password,
        });

    public async Task<HttpResponseMessage> LoginAsync(string email, string password = "secret-pass-1") =>
        await SubmitFormAsync("/account/login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();
}
