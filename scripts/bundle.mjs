/**
 * The last step of `npm run build`: the service tsc built (dist/src/main.js) as one ES module, with
 * a chunk for each part loaded on first use, in dist/service/ — what `npm start` and the package's bin
 * run. On Node 20 most of a start was the module loader resolving, reading and compiling several
 * hundred files one at a time; from one file a start takes about a third less CPU
 * (`npm run bench -- --only=start`). dist/src stays as tsc wrote it: the client the package exports.
 */
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

/**
 * JSON files (mime-db's media types, iconv-lite's code tables: most of the bundle's bytes) as a
 * `JSON.parse` of a string: V8 scans a string literal far faster than it parses the same data
 * written as an object literal, and every start parses the whole bundle.
 */
const jsonAsString = {
  name: 'json-as-string',
  setup(build) {
    build.onLoad({ filter: /\.json$/ }, async ({ path }) => {
      const text = JSON.stringify(JSON.parse(await readFile(path, 'utf8')));
      return { contents: `module.exports = JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

await build({
  entryPoints: ['dist/src/main.js'],
  outdir: 'dist/service',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Fewer bytes to read and parse; names are kept, and the source map gives stack traces their
  // files and lines back under `node --enable-source-maps`.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [jsonAsString],
  // The CommonJS packages inside call `require`, which an ES module has to make.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // Dependencies of this package's own, so resolvable from dist/service/ wherever it is installed:
  // a native addon (the keyring's helper process loads it), and the YAML parser, needed only when
  // the spec was edited after the build.
  external: ['@napi-rs/keyring', 'js-yaml'],
});
