// Renders Vega-Lite specs (JSON array on stdin) the way staff/static/monitoring.js does, in
// Node, with Function and eval disabled: vega-lite compiles, vega parses with ast: true and the
// patched vega-interpreter copy (staff/static/vendor/) evaluates the expressions. Prints one
// line of JSON: {"svg": [lengths], "control": "<error without the interpreter>"}.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [nodeModules, interpreterFile] = process.argv.slice(2);
const specs = JSON.parse(readFileSync(0, "utf-8"));
const vega = await import(pathToFileURL(`${nodeModules}/vega/build/vega.module.js`).href);
const vegaLite = await import(pathToFileURL(`${nodeModules}/vega-lite/build/index.js`).href);
globalThis.vega = vega; // what the UMD build provides in the browser
const { expressionInterpreter } = await import(pathToFileURL(interpreterFile).href);

const refuse = () => {
  throw new Error("Function/eval used");
};
const Forbidden = new Proxy(Function, { apply: refuse, construct: refuse });
globalThis.Function = Forbidden;
Object.defineProperty(Function.prototype, "constructor", { value: Forbidden });
globalThis.eval = refuse;

async function render(spec, withInterpreter) {
  const compiled = vegaLite.compile(spec).spec;
  const runtime = vega.parse(compiled, null, { ast: withInterpreter });
  const options = withInterpreter ? { expr: expressionInterpreter, renderer: "none" } : { renderer: "none" };
  const view = new vega.View(runtime, options);
  return (await view.toSVG()).length;
}

const svg = [];
for (const spec of specs) svg.push(await render(spec, true));
let control = "";
try {
  await render(specs[0], false);
} catch (error) {
  control = String(error.message);
}
console.log(JSON.stringify({ svg, control }));
