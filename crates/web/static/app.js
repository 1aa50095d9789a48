// Small conveniences on top of pages that work fully without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Focus the error summary so screen readers announce it.
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // Ask before destructive acts (the server acts only on the form post).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // Print the handout.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });

  // Fill the pin with the device's position, when the person asks.
  const locate = document.querySelector("[data-locate]");
  if (locate && "geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition((position) => {
        document.getElementById("f-lat").value = position.coords.latitude.toFixed(5);
        document.getElementById("f-lng").value = position.coords.longitude.toFixed(5);
      });
    });
  }
});

// Live counters: the server sends the signed-in person's counts when they
// change; without JavaScript the same counts appear on each page load.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.body.dataset.live;
  if (!source || !("EventSource" in window)) return;
  const unread = document.body.dataset.unreadLabel || "";
  const events = new EventSource(source);
  events.addEventListener("counts", (event) => {
    const counts = JSON.parse(event.data);
    for (const [name, value] of Object.entries(counts)) {
      document.querySelectorAll(`[data-count="${name}"]`).forEach((slot) => {
        slot.textContent = "";
        if (value > 0) {
          slot.append(` (${value >= 100 ? "99+" : value}`);
          const hidden = document.createElement("span");
          hidden.className = "visually-hidden";
          hidden.textContent = ` ${unread}`;
          slot.append(hidden, ")");
        }
      });
    }
    document.dispatchEvent(new CustomEvent("entraide:counts", { detail: counts }));
  });
});

// On a conversation's page, new messages appear without reloading: when the
// unread count goes up, the page is fetched again and its list replaced
// (fetching it also marks the new messages read, so only a visible page
// does it).
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("messages");
  if (!list || !window.fetch || !window.DOMParser) return;
  let last = null;
  document.addEventListener("entraide:counts", async (event) => {
    const unread = event.detail.messages;
    const grew = last !== null && unread > last;
    last = unread;
    if (!grew) return;
    // A page left in a background tab does not read messages for its reader.
    if (document.visibilityState === "hidden") {
      document.addEventListener("visibilitychange", () => window.location.reload(), { once: true });
      return;
    }
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("messages");
      if (fresh) list.innerHTML = fresh.innerHTML;
    } catch (_) {
      // Offline or interrupted: the next reload shows everything.
    }
  });
});
