// The neighbours' map: areas with how many people each stands for, fetched
// for the visible part of the map. The same figures are on the list page
// (linked before the map) for people without JavaScript or a screen.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("neighbourhood-map");
  if (!box || !window.L || !window.fetch) return;
  const data = box.dataset;
  box.hidden = false;
  const map = L.map(box, {
    center: [Number(data.lat), Number(data.lng)],
    zoom: Number(data.zoom),
    minZoom: Number(data.minZoom),
    maxZoom: 18,
  });
  if (data.tiles) {
    L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 18 }).addTo(map);
  }
  const layer = L.layerGroup().addTo(map);
  const status = document.getElementById("neighbourhood-map-status");
  const say = (text) => { if (status) status.textContent = text; };
  let timer = null;
  let asked = 0;

  async function load() {
    const bounds = map.getBounds();
    const query = new URLSearchParams({
      south: bounds.getSouth().toFixed(5),
      west: bounds.getWest().toFixed(5),
      north: bounds.getNorth().toFixed(5),
      east: bounds.getEast().toFixed(5),
      zoom: String(map.getZoom()),
    });
    const ticket = ++asked;
    try {
      const response = await fetch(`${data.api}?${query}`, { credentials: "same-origin" });
      if (ticket !== asked) return;
      if (!response.ok) {
        layer.clearLayers();
        say(response.status === 422 ? data.zoomIn : data.failed);
        return;
      }
      const view = await response.json();
      layer.clearLayers();
      for (const area of view.areas) {
        const label = data.people.replace("%count%", String(area.count));
        L.circle([area.lat, area.lng], { radius: area.radius_m, weight: 1, className: "map-area" }).addTo(layer);
        const icon = L.divIcon({ className: "map-count", html: "", iconSize: [36, 36] });
        const marker = L.marker([area.lat, area.lng], { icon, title: label, alt: label, keyboard: true });
        marker.bindPopup(label);
        marker.on("add", () => {
          const element = marker.getElement();
          if (element) element.textContent = String(area.count);
        });
        marker.addTo(layer);
      }
      const total = view.areas.reduce((sum, a) => sum + a.count, 0);
      say(data.summary.replace("%areas%", String(view.areas.length)).replace("%count%", String(total)));
    } catch (_) {
      say(data.failed);
    }
  }

  map.on("moveend", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  load();
});
