using System.ComponentModel.DataAnnotations;

namespace WxBind.Events;

/// <summary>The event form; times are wall-clock times in the site's zone (<c>WxBind:TimeZone</c>). Messages are resource keys.</summary>
public sealed class EventInput
{
    [Display(Name = "EventTitle")]
    [Required(ErrorMessage = "Required")]
    [StringLength(100, ErrorMessage = "TooLong")]
    public string Title { get; set; } = "";

    [Display(Name = "EventDescription")]
    [StringLength(4000, ErrorMessage = "TooLong")]
    public string? Description { get; set; }

    [Display(Name = "EventPlace")]
    [Required(ErrorMessage = "Required")]
    [StringLength(200, ErrorMessage = "TooLong")]
    public string Place { get; set; } = "";

    [Display(Name = "EventStarts")]
    [Required(ErrorMessage = "Required")]
    public DateTime? StartsAt { get; set; }

    [Display(Name = "EventEnds")]
    [Required(ErrorMessage = "Required")]
    public DateTime? EndsAt { get; set; }

    [Display(Name = "EventDeadline")]
    [Required(ErrorMessage = "Required")]
    public DateTime? SignupDeadline { get; set; }

    [Display(Name = "EventCapacity")]
    [Required(ErrorMessage = "Required")]
    [Range(1, 100_000, ErrorMessage = "EventCapacityRange")]
    public int? Capacity { get; set; }
}
