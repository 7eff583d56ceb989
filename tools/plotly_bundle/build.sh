#!/usr/bin/env bash
# Rebuild assets/vendor/plotly/plotly.min.js (and its brotli copy .br) from the npm plotly.js package pinned in package-lock.json.
# Only the trace types registered in entry.js go in; the result is committed, so serving needs no npm.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
version=$(node -p 'require("plotly.js/package.json").version')
traces=$(grep -o "plotly.js/lib/[a-z0-9]*'" entry.js | sed "s|plotly.js/lib/||; s|'||" | grep -v '^core$' | paste -sd, -)
out=../../assets/vendor/plotly/plotly.min.js
mkdir -p "$(dirname "$out")"
# the same esbuild settings as plotly.js's own dist build (esbuild-config.js), minified; the MapLibre CSS that
# plotly.js core imports is for map traces, which are not bundled
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --alias:stream=stream-browserify --loader:.css=empty \
  --legal-comments=none --log-level=warning \
  --banner:js="/*! plotly.js v${version} (MIT, Copyright Plotly, Inc.), partial bundle; traces: scatter,${traces} */" \
  --outfile="$out"
# brotli at its highest level, once here rather than per worker (web/plotlyjs.py serves it to browsers that accept br)
node -e 'const z=require("zlib"),fs=require("fs"),f=process.argv[1];
fs.writeFileSync(f+".br",z.brotliCompressSync(fs.readFileSync(f),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}))' "$out"
echo "built $out ($(wc -c <"$out") bytes; traces scatter,${traces})"
