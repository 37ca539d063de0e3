using System.ComponentModel.DataAnnotations;

namespace WxBind.Accounts;

/// <summary>The register form. Error messages are resource keys, localised by DataAnnotations localisation.</summary>
public sealed class RegisterInput
{
    [Display(Name = "Email")]
    [Required(ErrorMessage = "Required")]
    [StringLength(254, ErrorMessage = "TooLong")]
    [StrictEmail(ErrorMessage = "EmailInvalid")]
    public string Email { get; set; } = "";

    [Display(Name = "DisplayName")]
    [Required(ErrorMessage = "Required")]
    [StringLength(64, ErrorMessage = "TooLong")]
    [PlainDisplayName(ErrorMessage = "DisplayNameInvalid")]
    public string DisplayName { get; set; } = "";

    [Display(Name = "Password")]
    [Required(ErrorMessage = "Required")]
    [StringLength(128, ErrorMessage = "TooLong")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";
}

/// <summary>The login form.</summary>
public sealed class LoginInput
{
    [Display(Name = "Email")]
    [Required(ErrorMessage = "Required")]
    [StringLength(254, ErrorMessage = "TooLong")]
    public string Email { get; set; } = "";

    [Display(Name = "Password")]
    [Required(ErrorMessage = "Required")]
    [StringLength(128, ErrorMessage = "TooLong")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";
}

/// <summary>The display-name form on <c>/account</c>.</summary>
public sealed class DisplayNameInput
{
    [Display(Name = "DisplayName")]
    [Required(ErrorMessage = "Required")]
    [StringLength(64, ErrorMessage = "TooLong")]
    [PlainDisplayName(ErrorMessage = "DisplayNameInvalid")]
    public string DisplayName { get; set; } = "";
}

/// <summary>The forgot-password form.</summary>
public sealed class ForgotPasswordInput
{
    [Display(Name = "Email")]
    [Required(ErrorMessage = "Required")]
    [StringLength(254, ErrorMessage = "TooLong")]
    [StrictEmail(ErrorMessage = "EmailInvalid")]
    public string Email { get; set; } = "";
}

/// <summary>The new-password form reached from a reset link.</summary>
public sealed class ResetPasswordInput
{
    [Display(Name = "NewPassword")]
    [Required(ErrorMessage = "Required")]
    [StringLength(128, ErrorMessage = "TooLong")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";
}
