namespace WxBind.Emulator;

/// <summary>Faults switched on through <c>/_sim/faults</c> so tests can exercise the app's error paths.</summary>
internal sealed class EmulatorFaults
{
    private readonly Lock _gate = new();
    private int _slowCallbackMs;
    private int _failCallbackCount;
    private bool _forceInvalidToken;
    private bool _dropReplies;
    private int _tokenFailCount;
    private int _slowTokenMs;
    private int _invalidTokenCount;
    private int _qrcodeCreateFailCount;
    private long _tokenRequests;

    public void Set(int? slowCallbackMs, int? failCallbackCount, bool? forceInvalidToken, bool? dropReplies)
    {
        lock (_gate)
        {
            _slowCallbackMs = slowCallbackMs ?? _slowCallbackMs;
            _failCallbackCount = failCallbackCount ?? _failCallbackCount;
            _forceInvalidToken = forceInvalidToken ?? _forceInvalidToken;
            _dropReplies = dropReplies ?? _dropReplies;
        }
    }

    /// <summary>The WeChat-API faults: a failing or slow token endpoint, a 40001 storm, a failing qrcode/create.</summary>
    public void SetApiFaults(int? tokenFailCount, int? slowTokenMs, int? invalidTokenCount, int? qrcodeCreateFailCount)
    {
        lock (_gate)
        {
            _tokenFailCount = tokenFailCount ?? _tokenFailCount;
            _slowTokenMs = slowTokenMs ?? _slowTokenMs;
            _invalidTokenCount = invalidTokenCount ?? _invalidTokenCount;
            _qrcodeCreateFailCount = qrcodeCreateFailCount ?? _qrcodeCreateFailCount;
        }
    }

    public void Reset()
    {
        Set(0, 0, false, false);
        SetApiFaults(0, 0, 0, 0);
    }

    public FaultSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new FaultSnapshot(_slowCallbackMs, _failCallbackCount, _forceInvalidToken, _dropReplies,
                _tokenFailCount, _slowTokenMs, _invalidTokenCount, _qrcodeCreateFailCount, _tokenRequests);
        }
    }

    public int SlowCallbackMs
    {
        get { lock (_gate) { return _slowCallbackMs; } }
    }

    public bool DropReplies
    {
        get { lock (_gate) { return _dropReplies; } }
    }

    /// <summary>True when this push attempt should fail as if the connection broke; counts down.</summary>
    public bool TryConsumeCallbackFailure()
    {
        lock (_gate)
        {
            if (_failCallbackCount <= 0)
            {
                return false;
            }

            _failCallbackCount--;
            return true;
        }
    }

    /// <summary>True once after the fault is set: the next API call with a token answers 40001.</summary>
    public bool TryConsumeForcedInvalidToken()
    {
        lock (_gate)
        {
            var forced = _forceInvalidToken || _invalidTokenCount > 0;
            _forceInvalidToken = false;
            _invalidTokenCount = Math.Max(0, _invalidTokenCount - 1);
            return forced;
        }
    }

    /// <summary>
    /// Counts a request to a token endpoint (reported as <c>tokenRequests</c>, so tests can see a
    /// fetch storm) and says how it goes: the delay before answering, and whether it fails.
    /// </summary>
    public (TimeSpan Delay, bool Fail) OnTokenRequest()
    {
        lock (_gate)
        {
            _tokenRequests++;
            var fail = _tokenFailCount > 0;
            _tokenFailCount = Math.Max(0, _tokenFailCount - 1);
            return (TimeSpan.FromMilliseconds(_slowTokenMs), fail);
        }
    }

    /// <summary>True when this qrcode/create call should answer WeChat's system error; counts down.</summary>
    public bool TryConsumeQrcodeCreateFailure()
    {
        lock (_gate)
        {
            if (_qrcodeCreateFailCount <= 0)
            {
                return false;
            }

            _qrcodeCreateFailCount--;
            return true;
        }
    }
}

internal sealed record FaultSnapshot(int SlowCallbackMs, int FailCallbackCount, bool ForceInvalidToken, bool DropReplies,
    int TokenFailCount, int SlowTokenMs, int InvalidTokenCount, int QrcodeCreateFailCount, long TokenRequests);
