// /account/bind-complete: counts down to the end of the waiting scan, and keeps what was typed
// (never the passwords) in this tab's sessionStorage, so a fresh scan after expiry brings the
// person back to the same filled-in forms.
(() => {
  "use strict";
  const KEY = "wxbind.bind-complete";
  const FIELDS = ["LoginForm_Email", "RegisterForm_Email", "RegisterForm_DisplayName"];
  const countdown = document.querySelector("[data-testid=bind-complete-countdown]");
  const expired = document.querySelector("[data-testid=bind-complete-expired]");

  // Typed values: restored into empty fields, saved as they change.
  let saved = {};
  try { saved = JSON.parse(sessionStorage.getItem(KEY) || "{}"); } catch { saved = {}; }
  for (const id of FIELDS) {
    const input = document.getElementById(id);
    if (!input) continue;
    if (!input.value && saved[id]) input.value = saved[id];
    const keep = () => { saved[id] = input.value; sessionStorage.setItem(KEY, JSON.stringify(saved)); };
    keep();
    input.addEventListener("input", keep);
  }

  if (!countdown || !countdown.dataset.expiresAt) return;
  const expiresAt = new Date(countdown.dataset.expiresAt);
  const template = countdown.dataset.template;
  const timer = setInterval(tick, 1000);
  tick();

  function tick() {
    const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
    const mm = String(Math.floor(left / 60)), ss = String(left % 60).padStart(2, "0");
    countdown.textContent = template.replace("{0}", `${mm}:${ss}`);
    if (left > 0) return;
    // Out of time: the forms stay as they are, and a fresh scan is offered above them.
    clearInterval(timer);
    countdown.hidden = true;
    expired.hidden = false;
  }
})();
