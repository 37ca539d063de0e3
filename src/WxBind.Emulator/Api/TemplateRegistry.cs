namespace WxBind.Emulator.Api;

/// <summary>Template ids the account "owns"; anything else gets 40037.</summary>
internal sealed class TemplateRegistry
{
    public const string DefaultTemplateId = "TEMPLATE_DEFAULT";

    private readonly Lock _gate = new();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal) { DefaultTemplateId };

    public void Add(string templateId)
    {
        lock (_gate)
        {
            _ids.Add(templateId);
        }
    }

    public bool Contains(string? templateId)
    {
        lock (_gate)
        {
            return templateId is not null && _ids.Contains(templateId);
        }
    }

    public IReadOnlyList<string> List()
    {
        lock (_gate)
        {
            return [.. _ids.Order(StringComparer.Ordinal)];
        }
    }
}
