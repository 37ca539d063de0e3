using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace WxBind.Accounts;

/// <summary>
/// One problem with an account form, and the field it belongs to (<c>Email</c>, <c>Password</c>),
/// or an empty field for a problem that belongs to no single field.
/// </summary>
public sealed record AccountError(string Field, string Message)
{
    /// <summary>Identity's errors, each once, placed beside the field they are about.</summary>
    public static IReadOnlyList<AccountError> From(IEnumerable<IdentityError> errors) =>
        errors.Select(e => new AccountError(FieldOf(e.Code), e.Description)).Distinct().ToList();

    private static string FieldOf(string code) => code switch
    {
        nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName)
            or nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) => nameof(RegisterInput.Email),
        _ when code.StartsWith("Password", StringComparison.Ordinal) => nameof(RegisterInput.Password),
        _ => "",
    };
}

/// <summary>Puts account errors on a page's form, under the form's property name.</summary>
public static class AccountErrorModelState
{
    /// <summary>
    /// A field shows one message beside it, so a field's errors become one message that says them
    /// all ("Too short. Needs a digit."); a field that already has an error (required, too long)
    /// keeps that one. Errors of no field go to the form's summary, each once.
    /// </summary>
    public static void AddAccountErrors(this ModelStateDictionary modelState, string form, IEnumerable<AccountError> errors)
    {
        foreach (var field in errors.GroupBy(e => e.Field))
        {
            if (field.Key.Length == 0)
            {
                foreach (var error in field)
                {
                    modelState.AddModelError(string.Empty, error.Message);
                }
                continue;
            }
            var key = $"{form}.{field.Key}";
            if (modelState.GetFieldValidationState(key) != ModelValidationState.Invalid)
            {
                // Chinese sentences end in a full-width stop and need no space between them.
                modelState.AddModelError(key, field.Select(e => e.Message).Aggregate((all, next) => all.EndsWith('。') ? all + next : $"{all} {next}"));
            }
        }
    }
}
