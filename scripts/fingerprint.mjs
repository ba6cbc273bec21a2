// Gives the site's own stylesheets, scripts and WebAssembly names that carry a hash of their
// content, so browsers may keep them for a year (`immutable`), and compresses each once, at
// the highest quality, so the server sends the stored .br or .gz instead of compressing on
// every request. Writes target/site/assets.json, the map the server's pages read:
// { "/assets/site.css": "/assets/site.1a2b3c4d5e.css", ... }.
//
// Usage: node scripts/fingerprint.mjs target/site
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, readdirSync, unlinkSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const site = process.argv[2] ?? "target/site";
// In dependency order: islands.js names the script and WebAssembly, so it is written last.
const files = ["assets/site.css", "pkg/candour.js", "pkg/candour.wasm", "assets/islands.js"];
const map = {};

for (const file of files) {
  const folder = join(site, dirname(file));
  const ext = extname(file);
  // Names from earlier builds go: the folder holds only what this build's pages name.
  const earlier = new RegExp(`^${basename(file, ext)}\\.[0-9a-f]{10}\\${ext}(\\.br|\\.gz)?$`);
  for (const old of readdirSync(folder)) {
    if (earlier.test(old)) unlinkSync(join(folder, old));
  }
  let bytes = readFileSync(join(site, file));
  if (file === "assets/islands.js") {
    let text = bytes.toString("utf8");
    for (const [from, to] of Object.entries(map)) text = text.split(`"${from}"`).join(`"${to}"`);
    bytes = Buffer.from(text, "utf8");
  }
  const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 10);
  const name = `${basename(file, ext)}.${hash}${ext}`;
  const target = join(folder, name);
  writeFileSync(target, bytes);
  writeFileSync(
    `${target}.br`,
    brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  );
  writeFileSync(`${target}.gz`, gzipSync(bytes, { level: 9 }));
  map[`/${file}`] = `/${dirname(file)}/${name}`;
}

writeFileSync(join(site, "assets.json"), JSON.stringify(map, null, 2) + "\n");
console.log(`fingerprint: ${Object.values(map).join(", ")}`);
