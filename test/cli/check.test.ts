import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';

const CLI = join(__dirname, '../../server/out/cli.js');
const SEED = join(__dirname, '../fixtures/seed/Dockerfile');
// The OASIS SARIF 2.1.0 schema (rtm.5, the final one), as Microsoft's SARIF tooling ships it.
const SARIF_SCHEMA = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('dockerfile-multistage check (the built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'multistage-cli-'));
  const clean = join(dir, 'Dockerfile.clean');
  writeFileSync(clean, 'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM debian:bookworm-slim\nCOPY --from=build /out/app /app\nCMD ["/app"]\n');
  const infoOnly = join(dir, 'Dockerfile.info');
  writeFileSync(infoOnly, 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n');

  it('exits 1 with findings, as path:line:column lines', () => {
    const { status, stdout, stderr } = cli('check', SEED);
    assert.equal(status, 1);
    assert.match(stdout, new RegExp(`^${SEED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:5: warning \\[build-tools-in-runtime\\] gcc is a build tool`, 'm'));
    assert.match(stderr, /^7 findings \(/);
  });

  it('exits 0 when nothing is at warning or above', () => {
    assert.equal(cli('check', clean).status, 0);
    const { status, stdout } = cli('check', infoOnly);
    assert.equal(status, 0);
    assert.match(stdout, /info \[install-recommends\]/);
  });

  it('judges the --target stage', () => {
    const { status, stdout } = cli('check', '--format', 'json', '--target', 'build', clean);
    assert.equal(status, 1);
    const [file] = JSON.parse(stdout) as Array<{ findings: Array<{ ruleId: string; line: number }> }>;
    assert.deepStrictEqual(file!.findings.map((f) => [f.ruleId, f.line]), [['toolchain-base-image', 1]]);
  });

  it('exits 2 with one line for usage and I/O errors', () => {
    for (const args of [[], ['lint', SEED], ['check'], ['check', '--format', 'xml', SEED], ['check', '--bogus', SEED], ['check', join(dir, 'missing')]]) {
      const { status, stderr } = cli(...args);
      assert.equal(status, 2, args.join(' '));
      assert.ok(stderr.trim().length > 0, `a message for: ${args.join(' ')}`);
    }
    assert.equal(cli('check', join(dir, 'missing')).stderr, `dockerfile-multistage: cannot read ${join(dir, 'missing')}: no such file or directory\n`);
  });

  it('still reports the files it can read when another cannot be read, and exits 2', () => {
    const missing = join(dir, 'missing');
    const { status, stdout, stderr } = cli('check', SEED, missing);
    assert.equal(status, 2);
    assert.match(stdout, /\[build-tools-in-runtime\] gcc is a build tool/);
    assert.match(stderr, new RegExp(`^dockerfile-multistage: cannot read ${missing}: no such file or directory$`, 'm'));
    assert.match(stderr, /^7 findings \(/m);

    const json = cli('check', '--format', 'json', SEED, missing);
    assert.equal(json.status, 2);
    assert.deepStrictEqual((JSON.parse(json.stdout) as Array<{ path: string }>).map((file) => file.path), [SEED]);
    const sarif = cli('check', '--format', 'sarif', SEED, missing);
    assert.equal(sarif.status, 2);
    const run = (JSON.parse(sarif.stdout) as Sarif.Log).runs[0]!;
    assert.ok(run.results!.length > 0);
    assert.equal(run.invocations![0]!.executionSuccessful, false);
    assert.match(run.invocations![0]!.toolExecutionNotifications![0]!.message.text!, /cannot read .*missing/);
  });

  it('prints SARIF 2.1.0 that validates against the schema', () => {
    const { status, stdout } = cli('check', '--format', 'sarif', SEED, clean);
    assert.equal(status, 1);
    const log = JSON.parse(stdout) as Sarif.Log;
    // unicodeRegExp: false because the published schema's language pattern is not valid in /u mode.
    const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as object);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));

    const run = log.runs[0]!;
    const rules = run.tool.driver.rules!;
    assert.ok(rules.every((rule) => rule.id && rule.shortDescription?.text && rule.helpUri));
    const gcc = run.results!.find((result) => result.message.text!.startsWith('gcc '))!;
    assert.equal(gcc.ruleId, 'build-tools-in-runtime');
    assert.equal(gcc.level, 'warning');
    assert.equal(rules[gcc.ruleIndex!]!.id, 'build-tools-in-runtime');
    assert.deepStrictEqual(gcc.locations![0]!.physicalLocation!.region, { startLine: 8, startColumn: 5, endLine: 8, endColumn: 8 });
    assert.equal(gcc.locations![0]!.physicalLocation!.artifactLocation!.uri, SEED.split('/').map(encodeURIComponent).join('/'));
    assert.equal(run.results!.some((r) => r.ruleId === 'toolchain-base-image'), false, 'the clean file has no toolchain runtime base');
  });
});
