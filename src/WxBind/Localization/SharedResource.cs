namespace WxBind.Localization;

/// <summary>
/// Marker for the shared UI strings: <c>SharedResource.resx</c> holds Simplified Chinese (the
/// default), <c>SharedResource.en.resx</c> English.
/// </summary>
public sealed class SharedResource;
