// Keeps only the parts of the compiled NHS.UK stylesheet that Candour's pages can use
// (PurgeCSS): every class and element named in the page code (app/src), in the browser
// script (assets/islands.js) and in Candour's own stylesheet, plus the class names pages
// build from data (status tag colours, input widths) and the elements Markdown content
// can produce. The full stylesheet is about 291 KB; the kept part under half of it.
//
// Small icons the kept rules use (the search box's clear button) are then written into
// the stylesheet as data: addresses: a page would otherwise fetch each one on a round trip
// of its own before its largest text counts as painted.
//
// Usage: node scripts/trim_css.mjs IN.css OUT.css
import { PurgeCSS } from "purgecss";
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
// What rendered Markdown (reports, policies, pages) may contain, as sanitised by
// app/src/html.rs: elements only, never classes.
const markdownElements = [
  "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "details", "dl", "dt", "em",
  "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "ins", "li", "ol", "p", "pre", "s", "section",
  "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
];
const [result] = await new PurgeCSS().purge({
  css: [input],
  content: ["app/src/**/*.rs", "assets/islands.js", "style/candour.css"],
  safelist: {
    standard: [...markdownElements, /^nhsuk-tag--/, /^nhsuk-input--width-/],
  },
  keyframes: true,
  variables: false,
});
// Served from /assets/nhsuk/images/ (scripts/build copies them there).
const images = "node_modules/nhsuk-frontend/dist/nhsuk/assets/images/";
const inlined = result.css.replace(/url\("\/assets\/nhsuk\/images\/([\w-]+\.svg)"\)/g, (whole, name) => {
  const svg = readFileSync(images + name);
  if (svg.length > 2048) return whole;
  return `url("data:image/svg+xml;base64,${svg.toString("base64")}")`;
});
writeFileSync(output, inlined);
