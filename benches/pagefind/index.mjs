// Index the documents of a zhiku build with Pagefind, for the side-by-side benchmark
// (tests/it/search_quality.rs `compare_with_pagefind`, run by benches/pagefind.sh).
//
//   PAGEFIND_DIR=/dir/with/node_modules node benches/pagefind/index.mjs <site>
//
// Pagefind gets exactly the documents zhiku's index has, read from zhiku's own document
// files (<site>/search/d/*.js): the title, the section names, the taxonomy terms and the
// text the page shows, one custom record each (language zh), written to <site>/pagefind/.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const site = process.argv[2];
const dir = process.env.PAGEFIND_DIR || process.cwd();
const pagefind = await import(pathToFileURL(join(dir, "node_modules/pagefind/lib/index.js")).href);

const docsDir = join(site, "search/d");
const files = readdirSync(docsDir).filter((f) => f.endsWith(".js"));
const { index, errors } = await pagefind.createIndex({ forceLanguage: "zh" });
if (errors.length) throw new Error(errors.join("\n"));
for (const f of files) {
  const js = readFileSync(join(docsDir, f), "utf8");
  // __zhikuSearch("d","<layout>",<id>,{…});
  const json = js.slice(js.indexOf("{"), js.lastIndexOf("}") + 1);
  const d = JSON.parse(json);
  const content = [d.t, d.s, (d.k || []).join("\n"), d.x].filter(Boolean).join("\n");
  const r = await index.addCustomRecord({
    url: "/" + d.u,
    content,
    language: "zh",
    meta: { title: d.t },
  });
  if (r.errors.length) throw new Error(r.errors.join("\n"));
}
const w = await index.writeFiles({ outputPath: join(site, "pagefind") });
if (w.errors.length) throw new Error(w.errors.join("\n"));
await pagefind.close();
console.log(`pagefind: ${files.length} documents`);
