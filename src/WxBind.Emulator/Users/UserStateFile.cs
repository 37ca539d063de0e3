using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WxBind.Emulator.Users;

/// <summary>
/// Keeps simulated users, their follow state and chat in <see cref="EmulatorOptions.StateFile"/>,
/// so that a restart does not orphan the bindings the app made with them. Written whole and
/// atomically (temporary file, then rename) after every change; the emulator is a development
/// tool, so simplicity wins over incremental writes. The write is streamed, though: under a load
/// test the file reaches megabytes, and a buffer of its size per save would stay cached in the
/// shared array pool, one per thread, for the life of the process.
/// </summary>
internal sealed class UserStateFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string? _path;
    private readonly ILogger<UserStateFile> _logger;

    public UserStateFile(IOptions<EmulatorOptions> options, ILogger<UserStateFile> logger, IHostEnvironment? environment = null)
    {
        _logger = logger;
        var configured = options.Value.StateFile;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _path = Path.GetFullPath(configured, environment?.ContentRootPath ?? Directory.GetCurrentDirectory());
        }
    }

    public bool Enabled => _path is not null;

    public UserState? Load()
    {
        if (_path is null || !File.Exists(_path))
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(_path);
            return JsonSerializer.Deserialize<UserState>(stream, Json);
        }
        catch (JsonException e)
        {
            // Keep the damaged file for a person to look at, and start afresh rather than not at all.
            var aside = _path + ".damaged";
            File.Move(_path, aside, overwrite: true);
            EmulatorLog.StateFileDamaged(_logger, aside, e);
            return null;
        }
    }

    public void Save(UserState state)
    {
        if (_path is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temporary = _path + ".tmp";
        using (var file = File.Create(temporary))
        {
            JsonSerializer.Serialize(file, state, Json); // flushed every few kilobytes
        }
        File.Move(temporary, _path, overwrite: true);
    }
}

/// <summary>The file's shape: every user and the chat sequence number.</summary>
internal sealed record UserState(long Seq, IReadOnlyList<SimUserState> Users);

internal sealed record SimUserState(
    string OpenId,
    string Nickname,
    DateTimeOffset CreatedAt,
    string DeviceId,
    bool Subscribed,
    DateTimeOffset? SubscribeTime,
    string SubscribeScene,
    long QrScene,
    string QrSceneStr,
    DateTimeOffset? WindowExpiresAt,
    int? WindowQuota,
    IReadOnlyList<InboxItem> Inbox);
