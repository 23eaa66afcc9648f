// Charts of the monitoring page (staff/templates/monitoring.html). Each <figure data-chart>
// holds a Vega-Lite spec made from the protected table beside it (same numbers; the table is
// the accessible alternative). vega-interpreter evaluates expressions without eval/Function,
// so the CSP (script-src 'self') holds; canvas rendering and no injected styles keep
// style-src 'self' too. Without JavaScript the tables stand alone.
import { expressionInterpreter } from "./vendor/vega-interpreter.js";

const OPTIONS = {
  ast: true,
  expr: expressionInterpreter,
  actions: false,
  renderer: "canvas",
  defaultStyle: false,
  tooltip: false,
  config: {
    font: "system-ui, sans-serif",
    bar: { color: "#00558c" },
    axis: { labelFontSize: 12, titleFontSize: 12, labelLimit: 260 },
  },
};

for (const figure of document.querySelectorAll("figure[data-chart]")) {
  let spec;
  try {
    spec = JSON.parse(figure.dataset.chart);
  } catch {
    continue;
  }
  if (typeof window.vegaEmbed !== "function") continue;
  window.vegaEmbed(figure, spec, OPTIONS).catch(() => figure.replaceChildren());
}
