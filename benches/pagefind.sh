#!/bin/sh
# zhiku's search against Pagefind 1.6.0 on the bundled site, side by side: the queries of
# tests/fixtures/search_queries.json with their true sets computed from content/, both
# engines in headless Chromium over the same build, the same documents (Pagefind is given
# zhiku's documents as custom records). Prints precision, recall and top-1 accuracy by
# category, index sizes and the bytes a first query loads.
#
#   benches/pagefind.sh            # installs pagefind@1.6.0 into $PAGEFIND_DIR (default
#                                  # target/pagefind) with npm, then runs the comparison
#   benches/pagefind.sh --scale OUT  # first-query bytes over OUT, a zhiku build of a big
#                                  # site (e.g. gen_corpus.py's 10,000 pages, built with
#                                  # target/release/zhiku); Pagefind indexes into OUT/pagefind
#
# Needs node/npm, Debian's chromium and chromium-driver (as the browser tests do).
set -eu
cd "$(dirname "$0")/.."
PAGEFIND_DIR=${PAGEFIND_DIR:-$PWD/target/pagefind}
if [ ! -f "$PAGEFIND_DIR/node_modules/pagefind/package.json" ]; then
  mkdir -p "$PAGEFIND_DIR"
  (cd "$PAGEFIND_DIR" && npm install --no-audit --no-fund pagefind@1.6.0)
fi
export PAGEFIND_DIR
if [ "${1:-}" = "--scale" ]; then
  ZHIKU_COMPARE_SITE=$(cd "$2" && pwd) exec cargo test --test it -- --ignored --nocapture search_quality::first_query_bytes_at_scale
fi
exec cargo test --test it -- --ignored --nocapture search_quality::compare_with_pagefind
