// The live QR panel: creates a QR session, shows its code with a countdown, follows its status
// over Server-Sent Events (or by polling when they fail), swaps in a fresh code shortly before
// expiry, and moves on when the session completes. No framework, no build step.
// Each status belongs to one phase (waiting, scanned, success, expired, cancelled, error); the
// phase decides what stands in the code's place and which next step is offered, and the code's
// box keeps its size throughout so the card never jumps.
(() => {
  "use strict";
  const REFRESH_BEFORE_MS = 15000;
  const POLL_MS = 1500;

  function QrPanel(panel) {
    const text = JSON.parse(panel.querySelector("[data-qr-text]").textContent);
    const img = panel.querySelector("[data-testid=qr-image]");
    const countdown = panel.querySelector("[data-testid=qr-countdown]");
    const status = panel.querySelector("[data-testid=qr-status]");
    const retry = panel.querySelector("[data-qr-retry]");
    const mark = panel.querySelector("[data-testid=qr-mark]");
    const hint = panel.querySelector("[data-testid=qr-hint]");
    const maxRefreshes = Number(panel.dataset.maxRefreshes || 0);
    let session = null, events = null, pollTimer = null, tickTimer = null, refreshTimer = null, done = false, refreshes = 0;

    function stopListening() {
      if (events) { events.close(); events = null; }
      clearInterval(pollTimer); pollTimer = null;
    }

    function stopTimers() {
      clearInterval(tickTimer); clearTimeout(refreshTimer);
    }

    async function create(replaces) {
      const response = await fetch("/api/qr-sessions", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ purpose: panel.dataset.purpose, replaces: replaces || null }),
      });
      // Any refusal (503 when WeChat is unreachable, 429, …) gets the same plain message.
      if (!response.ok) throw new Error(text.error);
      return response.json();
    }

    async function start(replaces) {
      panel.hidden = false;
      retry.hidden = true;
      let created;
      try {
        created = await create(replaces);
      } catch (e) {
        // No code (WeChat unreachable, a rate limit, the network): say so, and offer to try again.
        stopListening(); stopTimers();
        show({ status: "error", message: text.error });
        retry.textContent = text.tryAgain;
        return;
      }
      stopListening();
      session = created;
      panel.dataset.sessionId = session.id;
      img.src = session.qrImageUrl;
      show(session);
      listen();
      stopTimers();
      tickTimer = setInterval(tick, 1000);
      tick();
      // A fresh code before this one runs out, so the screen never shows a dead code.
      const msLeft = new Date(session.expiresAt) - Date.now();
      // After a few, an unattended page lets the code expire and waits for a click.
      if (refreshes < maxRefreshes) {
        refreshTimer = setTimeout(() => { if (!done) { refreshes++; start(session.id); } }, Math.max(msLeft - REFRESH_BEFORE_MS, 1000));
      }
    }

    function tick() {
      if (!session) return;
      const left = Math.max(0, Math.round((new Date(session.expiresAt) - Date.now()) / 1000));
      countdown.textContent = text.secondsLeft.replace("{0}", left);
    }

    function listen() {
      const id = session.id;
      if (window.EventSource) {
        events = new EventSource(`/api/qr-sessions/${encodeURIComponent(id)}/events`);
        events.addEventListener("status", (e) => { if (session && session.id === id) update(JSON.parse(e.data)); });
        events.onerror = () => {
          // The stream ends after a final state; otherwise fall back to polling.
          if (events) { events.close(); events = null; }
          if (!done && session && session.id === id) poll(id);
        };
      } else {
        poll(id);
      }
    }

    function poll(id) {
      clearInterval(pollTimer);
      pollTimer = setInterval(async () => {
        const response = await fetch(`/api/qr-sessions/${encodeURIComponent(id)}`, { headers: { "Accept": "application/json" } });
        if (response.ok && session && session.id === id) update(await response.json());
      }, POLL_MS);
    }

    const PHASES = {
      pending: "waiting",
      scanned: "scanned", awaiting_confirmation: "scanned", awaiting_agreement: "scanned", needs_account: "scanned",
      completed: "success",
      expired: "expired",
      cancelled: "cancelled",
      conflict: "error", error: "error",
    };
    // Plain glyphs every system font has (no emoji), so no box ever shows a missing character.
    const MARKS = { scanned: "\u2713", success: "\u2713", expired: "\u00D7", cancelled: "\u00D7", error: "!" };

    function phaseOf(view) {
      if (view.message === "cancelled_on_phone" || view.message === "declined_on_phone") return "cancelled";
      return PHASES[view.status] || "error";
    }

    function show(view) {
      const message = view.message && text[view.message] ? text[view.message] : (view.status === "error" ? view.message : null);
      const phase = phaseOf(view);
      status.textContent = message || text[view.status] || view.status;
      status.dataset.status = view.status;
      panel.dataset.status = view.status;
      panel.dataset.phase = phase;
      // Only a waiting code is worth scanning; every other phase puts its sign in the code's place.
      img.hidden = phase !== "waiting";
      mark.hidden = phase === "waiting";
      mark.textContent = MARKS[phase] || "";
      if (phase !== "waiting") countdown.textContent = "";
      const ended = ["expired", "cancelled", "error"].includes(phase);
      retry.hidden = !ended;
      retry.textContent = text.newCode;
      // A WeChat user bound elsewhere gains nothing by scanning again: the hint says what does help.
      const endedHint = view.message === "openid_taken" ? text.hintOpenIdTaken : text[`hint_${panel.dataset.purpose}`];
      hint.textContent = ended ? endedHint || "" : (phase === "scanned" ? text.hintScanned : "");
      hint.hidden = !hint.textContent;
    }

    async function exchange(id) {
      // A completed login becomes this browser's login cookie, once.
      const response = await fetch(`/api/qr-sessions/${encodeURIComponent(id)}/login`, { method: "POST", headers: { "Accept": "application/json" } });
      if (!response.ok) {
        show({ status: "error", message: text.error });
        return;
      }
      window.location.assign((await response.json()).next);
    }

    function update(view) {
      if (view.status === "cancelled" && !view.message) return; // replaced by a fresh code
      show(view);
      const final = ["completed", "conflict", "expired", "cancelled"].includes(view.status);
      if (view.next || (view.purpose === "login" && view.status === "completed")) {
        done = true;
        stopListening(); stopTimers();
        if (view.next) window.location.assign(view.next); else exchange(view.id);
        return;
      }
      if (final) {
        done = view.status !== "expired";
        stopListening(); stopTimers();
      } else if (phaseOf(view) === "scanned") {
        // Scanned: the countdown no longer matters to the person, the phone does.
        stopTimers();
      }
    }

    retry.addEventListener("click", () => { done = false; refreshes = 0; start(); });
    return { start };
  }

  document.querySelectorAll("[data-qr-panel]").forEach((panel) => {
    // A phone cannot scan its own screen: the login page explains that instead of making codes.
    if (panel.dataset.purpose === "login" && window.matchMedia("(max-width: 480px)").matches) return;
    const qr = QrPanel(panel);
    const starter = document.querySelector("[data-qr-start]");
    if (starter) {
      starter.addEventListener("click", () => {
        starter.hidden = true;
        // A notice of what happened before (registered, unbound) would stand beside this outcome.
        document.querySelectorAll("[data-testid=notice]").forEach((notice) => notice.remove());
        qr.start();
      });
    } else {
      qr.start();
    }
  });
})();
