namespace WxBind.Tests.Emulator;

/// <summary>
/// A clock the test moves by hand. Only "now" is faked; timers stay real, so the emulator's
/// per-attempt push deadline still works while token, QR and code expiry follow this clock.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }
}
