import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '../../server/out/cli.js');
const BLOATED = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y gcc\nCOPY . /src\nRUN gcc -o /usr/local/bin/app /src/app.c\nCMD ["app"]\n';

function cli(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });
}

/** A monorepo: Dockerfiles under every naming convention, and some that must be skipped. */
function monorepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'multistage-monorepo-'));
  const files: Record<string, string> = {
    '.gitignore': 'build/\n*.generated.Dockerfile\n',
    Dockerfile: BLOATED,
    'services/api/Dockerfile': BLOATED,
    'services/api/Dockerfile.prod': BLOATED,
    'services/api/Dockerfile.dockerignore': 'node_modules\n', // BuildKit's per-Dockerfile ignore file, not a Dockerfile
    'services/web/web.Dockerfile': BLOATED,
    'services/web/tools.dockerfile': BLOATED,
    'services/web/x.generated.Dockerfile': BLOATED, // ignored by the root .gitignore
    'services/worker/Containerfile': BLOATED,
    'services/worker/Containerfile.dev': BLOATED,
    'services/worker/.gitignore': 'scratch/\n!keep.Dockerfile\n',
    'services/worker/scratch/Dockerfile': BLOATED, // ignored by the nested .gitignore
    'services/worker/keep.Dockerfile': BLOATED,
    'services/worker/README.md': '# not a Dockerfile\n',
    'build/Dockerfile': BLOATED, // ignored
    'node_modules/pkg/Dockerfile': BLOATED, // dependencies are never searched
    '.git/Dockerfile': BLOATED,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  symlinkSync(join(root, 'services'), join(root, 'services-link')); // links are not followed
  return root;
}

describe('dockerfile-multistage check FOLDER (the built CLI)', () => {
  const root = monorepo();
  const expected = [
    'Dockerfile',
    'services/api/Dockerfile',
    'services/api/Dockerfile.prod',
    'services/web/tools.dockerfile',
    'services/web/web.Dockerfile',
    'services/worker/Containerfile',
    'services/worker/Containerfile.dev',
    'services/worker/keep.Dockerfile',
  ];

  it('checks every Dockerfile under the folder, skipping what .gitignore files ignore, .git and node_modules', () => {
    const { status, stdout, stderr } = cli(root, 'check', '--format', 'json', '.');
    assert.equal(status, 1, stderr);
    const files = JSON.parse(stdout) as Array<{ path: string; findings: Array<{ ruleId: string }> }>;
    assert.deepStrictEqual(files.map((file) => file.path).sort(), expected);
    assert.ok(files.every((file) => file.findings.some((finding) => finding.ruleId === 'build-tools-in-runtime')));
  });

  it('prints findings as path:line:column under the folder as given, with files and folders mixed', () => {
    const { status, stdout, stderr } = cli(root, 'check', 'services/worker', 'Dockerfile');
    assert.equal(status, 1, stderr);
    assert.match(stdout, /^services\/worker\/Containerfile:2:42: warning \[build-tools-in-runtime\]/m);
    assert.match(stdout, /^Dockerfile:2:42: warning \[build-tools-in-runtime\]/m);
    assert.doesNotMatch(stdout, /scratch/);
  });

  it('applies the .gitignore files above the folder inside the same Git work tree', () => {
    const { stdout } = cli(join(root, 'services'), 'check', '--format', 'json', '.');
    const paths = (JSON.parse(stdout) as Array<{ path: string }>).map((file) => file.path);
    assert.ok(!paths.includes('web/x.generated.Dockerfile'), paths.join(', '));
    assert.ok(paths.includes('web/web.Dockerfile'));
  });

  it('exits 2 naming a folder with no Dockerfile, and still checks the others', () => {
    const empty = mkdtempSync(join(tmpdir(), 'multistage-empty-'));
    const { status, stdout, stderr } = cli(root, 'check', empty, 'Dockerfile');
    assert.equal(status, 2);
    assert.match(stdout, /^Dockerfile:2:42: warning/m);
    assert.match(stderr, new RegExp(`^dockerfile-multistage: ${empty}: no Dockerfile in this folder \\(looked for Dockerfile, Dockerfile\\.\\*, \\*\\.Dockerfile`, 'm'));
  });
});
