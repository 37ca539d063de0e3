namespace WxBind.Emulator;

/// <summary>Faults switched on through <c>/_sim/faults</c> so tests can exercise the app's error paths.</summary>
internal sealed class EmulatorFaults
{
    private readonly Lock _gate = new();
    private int _slowCallbackMs;
    private int _failCallbackCount;
    private bool _forceInvalidToken;
    private bool _dropReplies;

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

    public void Reset() => Set(0, 0, false, false);

    public FaultSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new FaultSnapshot(_slowCallbackMs, _failCallbackCount, _forceInvalidToken, _dropReplies);
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
            var forced = _forceInvalidToken;
            _forceInvalidToken = false;
            return forced;
        }
    }
}

internal sealed record FaultSnapshot(int SlowCallbackMs, int FailCallbackCount, bool ForceInvalidToken, bool DropReplies);
