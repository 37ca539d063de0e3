// The live QR panel: creates a QR session, shows its code with a countdown, follows its status
// over Server-Sent Events (or by polling when they fail), swaps in a fresh code shortly before
// expiry, and moves on when the session completes. No framework, no build step.
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
        show({ status: "error", message: text.error });
        stopListening(); stopTimers();
        img.hidden = true;
        countdown.textContent = "";
        retry.hidden = false;
        return;
      }
      stopListening();
      session = created;
      panel.dataset.sessionId = session.id;
      img.src = session.qrImageUrl;
      img.hidden = false;
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

    function show(view) {
      const message = view.message && text[view.message] ? text[view.message] : (view.status === "error" ? view.message : null);
      status.textContent = message || text[view.status] || view.status;
      status.dataset.status = view.status;
      panel.dataset.status = view.status;
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
        // An ended code never stays on screen as if it still worked.
        img.hidden = true;
        countdown.textContent = "";
        retry.hidden = false;
      }
    }

    retry.addEventListener("click", () => { done = false; refreshes = 0; start(); });
    return { start };
  }

  document.querySelectorAll("[data-qr-panel]").forEach((panel) => {
    const qr = QrPanel(panel);
    const starter = document.querySelector("[data-qr-start]");
    if (starter) {
      starter.addEventListener("click", () => { starter.hidden = true; qr.start(); });
    } else {
      qr.start();
    }
  });
})();
