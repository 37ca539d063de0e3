#!/usr/bin/env bash
# Page-by-page screenshots (Chinese and English, 1280 and 390 px wide) into artifacts/screenshots/,
# taken by Chromium against the app with its WeChat emulator; the README's pictures are refreshed
# from the set. Needs Chromium (WXBIND_TEST_BROWSER, default /usr/bin/chromium).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/screenshots"
rm -rf "$out" && mkdir -p "$out"
export WXBIND_TEST_BROWSER="${WXBIND_TEST_BROWSER:-/usr/bin/chromium}"
export WXBIND_SCREENSHOTS="$out"
dotnet test "$root/tests/WxBind.BrowserTests" --filter "FullyQualifiedName~ScreenshotSet" --nologo
# The README's pictures: a few representative shots, kept small.
docs="$root/docs/screenshots"
mkdir -p "$docs"
cp "$out"/06-account-bind-qr.zh-1280.png "$docs/account-bind-qr.png"
cp "$out"/08-phone-bound.zh-1280.png "$docs/phone-bound.png"
cp "$out"/14-login-qr-scanned.en-1280.png "$docs/login-qr-scanned.png"
cp "$out"/04-register-errors.en-390.png "$docs/register-errors.png"
cp "$out"/30-phone-wx-bound.zh-1280.png "$docs/phone-wx-bound.png"
echo "$(ls "$out" | wc -l) screenshots in $out; docs/screenshots/*.png refreshed"
