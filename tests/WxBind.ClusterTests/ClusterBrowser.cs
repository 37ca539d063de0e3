using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WxBind.Tests.Infrastructure;

namespace WxBind.ClusterTests;

/// <summary>
/// A desktop browser talking to the balancer: cookies kept, redirects not followed, and the
/// <c>X-Instance</c> of every response recorded, so a test can see its flow cross instances.
/// </summary>
public sealed class ClusterBrowser : IDisposable
{
    private readonly InstanceRecorder _recorder;

    public ClusterBrowser(Uri site)
    {
        _recorder = new InstanceRecorder(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });
        Client = new BrowserClient(new HttpClient(_recorder) { BaseAddress = site, Timeout = TimeSpan.FromSeconds(60) });
    }

    public BrowserClient Client { get; }

    public HttpClient Http => Client.Http;

    /// <summary>The instance names that answered, in order (one per response).</summary>
    public IReadOnlyList<string> Instances => [.. _recorder.Seen];

    public async Task<string> RegisterAsync()
    {
        var email = $"k{Guid.NewGuid():N}@example.com";
        var response = await Client.RegisterAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return email;
    }

    public async Task<QrSession> NewQrSessionAsync(string purpose)
    {
        var response = await Http.PostAsJsonAsync("/api/qr-sessions", new { purpose });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new QrSession(json.GetProperty("id").GetString()!, json.GetProperty("qrUrl").GetString()!, Instance(response));
    }

    public async Task<string> StatusAsync(string id) =>
        (await Http.GetFromJsonAsync<JsonElement>($"/api/qr-sessions/{id}")).GetProperty("status").GetString()!;

    /// <summary>Opens the waiting page's event stream; <see cref="PageEvents.Instance"/> says who holds it.</summary>
    public Task<PageEvents> OpenEventsAsync(string id) => OpenStreamAsync($"/api/qr-sessions/{id}/events");

    /// <summary>Opens a Server-Sent Events stream at <paramref name="path"/> (e.g. an event's live counts).</summary>
    public async Task<PageEvents> OpenStreamAsync(string path)
    {
        var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new PageEvents(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    public static string Instance(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Instance", out var values) ? values.Single() : throw new InvalidOperationException("No X-Instance header.");

    public void Dispose() => Client.Dispose();

    public sealed record QrSession(string Id, string QrUrl, string CreatedBy);

    private sealed class InstanceRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Seen.Enqueue(Instance(response));
            return response;
        }
    }
}

/// <summary>A waiting page's Server-Sent Events, read as they arrive through the balancer.</summary>
public sealed class PageEvents(HttpResponseMessage response, StreamReader reader) : IDisposable
{
    public string Instance { get; } = ClusterBrowser.Instance(response);

    /// <summary>The next event's status.</summary>
    public async Task<string> NextStatusAsync() => (await NextDataAsync()).GetProperty("status").GetString()!;

    /// <summary>The next event's data. The bound is for a broken stream (e.g. a buffering proxy), not a speed claim.</summary>
    public async Task<JsonElement> NextDataAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            }
        }
        throw new EndOfStreamException("The event stream ended.");
    }

    /// <summary>Reads until <paramref name="status"/> arrives, skipping intermediate states.</summary>
    public async Task WaitForAsync(string status)
    {
        while (await NextStatusAsync() != status)
        {
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
