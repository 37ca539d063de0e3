namespace WxBind.Admin;

/// <summary>
/// The actions of the administrators' audit. Other features add theirs as plain strings in the
/// same <c>area.verb</c> form (e.g. <c>order.status</c>, <c>event.edit</c>, <c>checkin.undo</c>).
/// </summary>
internal static class AuditAction
{
    public const string AdminGrant = "admin.grant";
    public const string AdminRevoke = "admin.revoke";
    public const string Unbind = "binding.unbind";
}
