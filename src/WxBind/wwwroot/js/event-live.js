// Live counts of an event (admin event page and door screen): an EventSource on the element's
// data-live URL; each "counts" event updates [data-count] elements and, where the element has
// data-tables, reloads the attendee and scan tables. EventSource reconnects by itself; while it
// is down, a slow poll of the tables keeps the page from going stale.
(() => {
    const root = document.querySelector("[data-live]");
    if (!root) return;
    const tablesUrl = root.dataset.tables;
    const tables = document.getElementById("event-tables");
    let last = null;

    async function reloadTables() {
        if (!tablesUrl || !tables) return;
        const q = new URLSearchParams(location.search).get("q");
        const response = await fetch(tablesUrl + (q ? "&q=" + encodeURIComponent(q) : ""), { credentials: "same-origin", cache: "no-store" });
        if (response.ok) tables.innerHTML = await response.text();
    }

    function apply(counts) {
        for (const el of document.querySelectorAll("[data-count]")) {
            const value = counts[el.dataset.count];
            if (value !== undefined) el.textContent = value;
        }
        const key = [counts.registered, counts.checkedIn, counts.lastScan].join("/");
        if (last !== null && key !== last) reloadTables();
        last = key;
    }

    let poll = null;
    const source = new EventSource(root.dataset.live);
    source.addEventListener("counts", e => apply(JSON.parse(e.data)));
    source.addEventListener("open", () => { clearInterval(poll); poll = null; });
    source.addEventListener("error", () => { if (!poll) poll = setInterval(reloadTables, 10000); });

    // Forms that ask first (e.g. cancelling an event).
    document.addEventListener("submit", e => {
        const message = e.target.closest("[data-confirm]")?.dataset.confirm;
        if (message && !confirm(message)) e.preventDefault();
    });
})();
