using System.Net;
using System.Net.Mail;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace WxBind.Accounts;

/// <summary>
/// Queues mails and sends them over SMTP in the background: the request that asked for a reset
/// answers in the same time whether or not a mail goes out (no enumeration by timing).
/// </summary>
internal sealed partial class SmtpMailSender(IOptions<SmtpOptions> options, ILogger<SmtpMailSender> logger) : BackgroundService, IMailSender
{
    private readonly Channel<OutgoingMail> _queue = Channel.CreateBounded<OutgoingMail>(new BoundedChannelOptions(1000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public ValueTask SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        if (!_queue.Writer.TryWrite(mail))
        {
            LogQueueFull(logger);
        }
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var smtp = options.Value;
        await foreach (var mail in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl };
                if (!string.IsNullOrEmpty(smtp.UserName))
                {
                    client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
                }
                using var message = new MailMessage(new MailAddress(smtp.From!), new MailAddress(mail.To))
                {
                    Subject = mail.Subject,
                    Body = mail.Body,
                    BodyEncoding = System.Text.Encoding.UTF8,
                    SubjectEncoding = System.Text.Encoding.UTF8,
                };
                await client.SendMailAsync(message, stoppingToken);
            }
            catch (Exception e) when (e is SmtpException or InvalidOperationException or FormatException or IOException)
            {
                LogSendFailed(logger, smtp.Host, e);
            }
        }
    }

    [LoggerMessage(2101, LogLevel.Error, "Sending a mail through SMTP server {Host} failed")]
    private static partial void LogSendFailed(ILogger logger, string? host, Exception exception);

    [LoggerMessage(2102, LogLevel.Warning, "The mail queue is full; a mail was dropped")]
    private static partial void LogQueueFull(ILogger logger);
}
