namespace WxBind.Emulator;

internal static class EmulatorPlaceholder;
