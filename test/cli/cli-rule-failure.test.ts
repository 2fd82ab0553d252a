import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliEnvironment } from '../../server/src/cli/main';
import { ALL_RULES } from '../../server/src/core/rules';
import type { Rule } from '../../server/src/core/rules/rule';

const SEED = join(__dirname, '../fixtures/seed/Dockerfile');
const APP = join(__dirname, '../fixtures/apps/c-make/Dockerfile');

const environment: CliEnvironment = {
  version: '0.0.0-test',
  informationUri: 'https://example.invalid',
  readFile: (path) => readFileSync(path),
  writeFile: () => assert.fail('nothing may be written when a rule fails'),
  // compare must stop before it talks to any Engine
  env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
};

describe('a rule that throws is reported, never taken for "no findings" (runCli in-process)', () => {
  const originals = new Map<Rule, Rule['check']>();
  beforeEach(() => {
    for (const rule of ALL_RULES) {
      originals.set(rule, rule.check);
      (rule as { check: Rule['check'] }).check = () => {
        throw new Error(`${rule.id} exploded`);
      };
    }
  });
  afterEach(() => {
    for (const [rule, check] of originals) (rule as { check: Rule['check'] }).check = check;
    originals.clear();
  });

  it('check exits 2 naming the file and the rule', async () => {
    const result = await runCli(['check', SEED], environment);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`^dockerfile-multistage: ${SEED}: the rule build-tools-in-runtime failed: build-tools-in-runtime exploded\\. This is a bug in dockerfile-multistage`, 'm'));
    assert.doesNotMatch(result.stderr, /no findings/);
  });

  it('check --format json and sarif exit 2 too', async () => {
    for (const format of ['json', 'sarif']) {
      const result = await runCli(['check', '--format', format, SEED], environment);
      assert.equal(result.exitCode, 2, format);
      assert.match(result.stderr, /the rule build-tools-in-runtime failed/);
    }
  });

  it('fix exits 2 naming the rule, and writes nothing', async () => {
    for (const args of [['fix', SEED], ['fix', '--write', SEED]]) {
      const result = await runCli(args, environment);
      assert.equal(result.exitCode, 2, args.join(' '));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^dockerfile-multistage: .*seed\/Dockerfile: the rule build-tools-in-runtime failed: build-tools-in-runtime exploded\./);
    }
  });

  it('compare exits 2 naming the rule, before any Engine is asked', async () => {
    const result = await runCli(['compare', APP], environment);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /the rule build-tools-in-runtime failed/);
    assert.doesNotMatch(result.stderr, /Could not reach the Docker Engine|nothing to compare/);
  });

  it('one failing rule is enough', async () => {
    for (const [rule, check] of originals) if (rule.id !== 'late-removal') (rule as { check: Rule['check'] }).check = check;
    const result = await runCli(['check', SEED], environment);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /the rule late-removal failed/);
  });
});
