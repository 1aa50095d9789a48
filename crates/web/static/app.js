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
