// The door screen: asks for a fresh check-in code before the shown one stops being accepted, and
// never leaves a code on screen past its acceptance time (a sleeping tab, a failed request).
(() => {
    const main = document.querySelector("[data-testid=door]");
    const img = main?.querySelector("[data-testid=door-qr]");
    if (!img) return;
    const status = main.querySelector("[data-testid=door-status]");
    const failed = main.querySelector("[data-testid=door-rotation]").dataset.expired;
    let timer = null;
    let acceptUntil = 0;

    async function next() {
        clearTimeout(timer);
        try {
            const response = await fetch(main.dataset.code, {
                method: "POST",
                credentials: "same-origin",
                headers: { "RequestVerificationToken": main.dataset.token },
            });
            if (!response.ok) throw new Error("HTTP " + response.status);
            const code = await response.json();
            await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = reject; img.src = code.image; });
            acceptUntil = Date.parse(code.acceptUntil);
            img.hidden = false;
            img.dataset.src = code.image;
            status.textContent = "";
            timer = setTimeout(next, code.refreshInMs);
        } catch {
            img.hidden = true;
            status.textContent = failed;
            timer = setTimeout(next, 5000);
        }
    }

    setInterval(() => {
        if (!img.hidden && Date.now() > acceptUntil) { img.hidden = true; next(); }
    }, 1000);
    next();
})();
