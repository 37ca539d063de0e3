using System.ComponentModel.DataAnnotations;

namespace WxBind.Instances;

/// <summary>This process among several behind a load balancer (section <c>WxBind</c>).</summary>
internal sealed class InstanceOptions
{
    /// <summary>
    /// Sent as <c>X-Instance</c> on every response, so an operator (and the cluster tests) can see
    /// which instance answered. Defaults to the machine's name.
    /// </summary>
    [Required(ErrorMessage = "WxBind:InstanceName must not be empty.")]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "WxBind:InstanceName must be 1-64 letters, digits, '.', '_' or '-'.")]
    public string InstanceName { get; set; } = Environment.MachineName;
}
