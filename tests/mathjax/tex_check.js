// Parses TeX the way Obsidian does (Obsidian renders math with MathJax 3) and reports
// what would not typeset. Protocol, one JSON object per line:
//   stdin:  {"tex": "\\frac{a}{b}", "display": false}
//   stdout: {"error": null}  or  {"error": "Missing argument for \\frac"}
// Run by tests/mathcheck.py as one long-lived process, so MathJax loads once.
"use strict";

const readline = require("readline");
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");
const { STATE } = require("mathjax-full/js/core/MathItem.js");

// Every package MathJax's autoload would reach, minus the two that hide mistakes
// (`noerrors` typesets the raw source instead of failing, `noundefined` shows an
// unknown macro in red instead of failing) and `bussproofs`, which needs an output
// jax to measure boxes and is never used for this course. AllPackages already leaves
// out `physics` and `colorv2`, which MathJax does not autoload either.
const skipped = new Set(["noerrors", "noundefined", "bussproofs"]);
const packages = AllPackages.filter((name) => !skipped.has(name));

const tex = new TeX({
  packages,
  // Without this MathJax turns a parse error into an <merror> node and carries on.
  formatError: (_jax, err) => {
    throw err;
  },
});
RegisterHTMLHandler(liteAdaptor());
const html = mathjax.document("", { InputJax: tex });

function check(source, display) {
  try {
    // STATE.CONVERT stops after TeX -> internal MathML: parsing is all we need.
    html.convert(source, { display, end: STATE.CONVERT });
    return null;
  } catch (err) {
    return err && err.message ? err.message : String(err);
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let reply;
  try {
    const request = JSON.parse(line);
    reply = { error: check(String(request.tex), Boolean(request.display)) };
  } catch (err) {
    reply = { error: `bad request: ${err.message}` };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
