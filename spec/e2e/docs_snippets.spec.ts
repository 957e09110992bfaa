/**
 * The documentation's code runs: every code block of README.md and docs/guide.md that is marked
 * runnable is executed against the built package (dist/), and must exit with code 0.
 *
 * Marking convention (Markdown source):
 *
 *     <!-- runnable -->
 *     ```ts
 *     import { srcnn } from 'srcnn-ts/node';
 *     ...
 *     ```
 *
 * - The marker is an HTML comment (invisible on GitHub) on the line directly above the opening fence;
 *   the fence's language is ts, typescript, js, javascript or mjs. Unmarked blocks are illustrations
 *   (browser code, fragments) and are not run.
 * - `<!-- runnable: shared -->` marks a snippet that reads `../shared` (reference weights or images):
 *   it is skipped when ../shared is absent, as the conformance tests are.
 * - A snippet is a complete ES module: it may use top-level await and may import only 'srcnn-ts',
 *   'srcnn-ts/node' and `node:` built-ins. Paths in it are relative to the repository root
 *   (`examples/testcard.png`, `../shared/...`); files it writes land in a scratch directory.
 * - Keep snippets fast (the test card, small tiles): each gets {@link SNIPPET_TIMEOUT_MS}.
 * - `SRCNN_DOCS_VERBOSE=1` prints every snippet's stdout, to check the values its comments state.
 *
 * How a snippet runs: `typescript.transpileModule` (ES2022, ESM, no type checking) -> the specifiers
 * 'srcnn-ts' and 'srcnn-ts/node' rewritten to file URLs of dist/lib/index.js and
 * dist/lib/node/index.js -> written as `<scratch>/snippets/NN-<file>-L<line>.mjs` -> `node <file>` in a
 * child process whose cwd is `<scratch>/repo`, a directory holding a symlink `examples` to the
 * repository's examples/, beside a symlink `<scratch>/shared` to ../shared. So the snippets see the
 * test card and the shared data where the docs say they are, and write nothing into the checkout.
 *
 * dist/ is what `npm ci` builds (the `prepare` script). When it is missing, or older than a source
 * file under lib/, the before hook rebuilds it with `tsc -p tsconfig.json` (the typescript
 * devDependency; output is used even when tsc reports type errors elsewhere, and the snippets then
 * fail on their own if they break).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { hasShared, repoRoot, sharedDir } from '../helpers/paths.js';

/** The Markdown files whose runnable blocks are executed. */
const DOC_FILES = ['README.md', 'docs/guide.md'];
/** The guide must keep at least this many runnable blocks (guards against a broken extractor). */
const MIN_GUIDE_SNIPPETS = 8;
/** Wall-clock limit of one snippet's child process (the machine may be shared). */
const SNIPPET_TIMEOUT_MS = 120_000;

const MARKER = /^<!--\s*runnable(?::\s*(shared))?\s*-->\s*$/;
const FENCE_OPEN = /^```(ts|typescript|js|javascript|mjs)\s*$/;

interface Snippet {
  /** Repository-relative Markdown file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  needsShared: boolean;
}

/**
 * The runnable blocks of one Markdown file.
 * @throws Error naming the line when a marker is not directly followed by a ts/js fence, or a block is not closed.
 */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const lines = markdown.split(/\r?\n/);
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]!.trim());
    if (!m) continue;
    const fence = lines[i + 1];
    if (fence === undefined || !FENCE_OPEN.test(fence.trim())) {
      throw new Error(`${file}:${i + 1}: a runnable marker must be directly followed by a \`\`\`ts or \`\`\`js fence, found ${JSON.stringify(fence ?? '<end of file>')}`);
    }
    const body: string[] = [];
    let j = i + 2;
    while (j < lines.length && lines[j]!.trim() !== '```') body.push(lines[j++]!);
    if (j >= lines.length) throw new Error(`${file}:${i + 2}: runnable block is not closed`);
    out.push({ file, line: i + 2, code: body.join('\n'), needsShared: m[1] === 'shared' });
    i = j;
  }
  return out;
}

/** Module specifiers of static imports, dynamic imports and re-exports in transpiled JavaScript. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\2/g;

/**
 * Transpiles a snippet to an ES module and points 'srcnn-ts' / 'srcnn-ts/node' at `entries`.
 * @throws Error when the snippet imports anything else than those and `node:` built-ins.
 */
export function toModule(s: Snippet, entries: Record<string, string>): string {
  const js = ts.transpileModule(s.code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: 'snippet.ts',
    reportDiagnostics: false,
  }).outputText;
  return js.replace(SPECIFIER, (all: string, head: string, quote: string, spec: string) => {
    const url = entries[spec];
    if (url !== undefined) return `${head}${quote}${url}${quote}`;
    if (spec.startsWith('node:')) return all;
    throw new Error(`${s.file}:${s.line}: the snippet imports '${spec}'; runnable snippets may import only 'srcnn-ts', 'srcnn-ts/node' and node: built-ins`);
  });
}

/** Newest modification time (ms) of the .ts files under `dir`. */
function newestTs(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestTs(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const DIST_MAIN = resolve(repoRoot, 'dist', 'lib', 'index.js');
const DIST_NODE = resolve(repoRoot, 'dist', 'lib', 'node', 'index.js');

/** Builds dist/ when it is missing or older than lib/. */
function ensureDist(): void {
  const fresh = existsSync(DIST_MAIN) && existsSync(DIST_NODE) && statSync(DIST_MAIN).mtimeMs >= newestTs(resolve(repoRoot, 'lib'));
  if (fresh) return;
  const tsc = resolve(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
  if (!existsSync(DIST_MAIN) || !existsSync(DIST_NODE)) {
    throw new Error(`building dist/ failed (exit ${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
  }
  chmodSync(resolve(repoRoot, 'dist', 'lib', 'cli', 'bin.js'), 0o755); // as `npm run build` does: the bin stays executable
}

const snippets = DOC_FILES.flatMap((f) => extractSnippets(readFileSync(resolve(repoRoot, f), 'utf8'), f));

describe('docs: runnable snippets of README.md and docs/guide.md', function () {
  this.timeout(SNIPPET_TIMEOUT_MS + 300_000);
  let scratch = '';
  let cwd = '';
  let snippetDir = '';
  const entries: Record<string, string> = {
    'srcnn-ts': pathToFileURL(DIST_MAIN).href,
    'srcnn-ts/node': pathToFileURL(DIST_NODE).href,
  };

  before(() => {
    ensureDist();
    scratch = mkdtempSync(join(tmpdir(), 'srcnn-docs-'));
    cwd = join(scratch, 'repo');
    snippetDir = join(scratch, 'snippets');
    mkdirSync(cwd);
    mkdirSync(snippetDir);
    symlinkSync(resolve(repoRoot, 'examples'), join(cwd, 'examples'), 'dir');
    if (hasShared) symlinkSync(sharedDir, join(scratch, 'shared'), 'dir');
  });

  after(() => {
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  });

  it(`docs/guide.md has at least ${MIN_GUIDE_SNIPPETS} runnable snippets`, () => {
    expect(snippets.filter((s) => s.file === 'docs/guide.md').length).to.be.at.least(MIN_GUIDE_SNIPPETS);
  });

  it('the extractor finds marked blocks and rejects a marker without a code fence', () => {
    const md = ['text', '<!-- runnable -->', '```ts', 'const a = 1;', '```', '```ts', 'not marked', '```', '<!-- runnable: shared -->', '```js', 'b', '```'].join('\n');
    expect(extractSnippets(md, 'x.md')).to.deep.equal([
      { file: 'x.md', line: 3, code: 'const a = 1;', needsShared: false },
      { file: 'x.md', line: 10, code: 'b', needsShared: true },
    ]);
    expect(() => extractSnippets('<!-- runnable -->\n\n```ts\nx\n```', 'y.md')).to.throw(/y\.md:1: a runnable marker/);
    expect(() => toModule({ file: 'z.md', line: 4, code: "import pad from 'left-pad';\nconsole.log(pad);", needsShared: false }, entries)).to.throw(/imports 'left-pad'/);
  });

  snippets.forEach((s, k) => {
    it(`${s.file}:${s.line}`, function () {
      if (s.needsShared && !hasShared) this.skip();
      const path = join(snippetDir, `${String(k).padStart(2, '0')}-${s.file.replace(/[^A-Za-z0-9]+/g, '_')}-L${s.line}.mjs`);
      writeFileSync(path, toModule(s, entries));
      const r = spawnSync(process.execPath, [path], { cwd, encoding: 'utf8', timeout: SNIPPET_TIMEOUT_MS });
      const where = `${s.file}:${s.line} (run as ${relative(scratch, path)} in ${cwd})`;
      expect(r.error, `${where}: ${String(r.error)}`).to.equal(undefined);
      if (process.env['SRCNN_DOCS_VERBOSE'] === '1') process.stdout.write(`\n--- ${where}\n${r.stdout}${r.stderr}`);
      expect(r.status, `${where} exited with ${String(r.status)} (signal ${String(r.signal)})\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`).to.equal(0);
    });
  });
});
