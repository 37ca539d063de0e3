using Microsoft.Extensions.Logging;

namespace WxBind.Emulator;

// Never log tokens, secrets, codes or whole openids here: the emulator's logs end up in the app's.
internal static partial class EmulatorLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Emulator issued an access_token via {Endpoint}")]
    public static partial void TokenIssued(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Push {Event} attempt {Attempt}/{Attempts} in {Mode} mode: {Outcome}")]
    public static partial void PushAttempt(ILogger logger, string @event, int attempt, int attempts, EmulatorMessageMode mode, string outcome);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Push {Event} ended with the user notice: {Detail}")]
    public static partial void PushFailed(ILogger logger, string @event, string detail);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "No CallbackUrl configured; push {Event} was not sent")]
    public static partial void NoCallbackUrl(ILogger logger, string @event);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Information, Message = "Simulated browser {Method} {Path} answered {Status}")]
    public static partial void BrowserRequest(ILogger logger, string method, string path, int status);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Error, Message = "Background push {Event} failed")]
    public static partial void BackgroundPushFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Warning, Message = "Emulator state file could not be read; moved to {Aside} and started with no simulated users")]
    public static partial void StateFileDamaged(ILogger logger, string aside, Exception exception);

    [LoggerMessage(EventId = 9008, Level = LogLevel.Information, Message = "Phone browser {Method} {Path} answered {Status}")]
    public static partial void PhoneBrowserRequest(ILogger logger, string method, string path, int status);
}
