import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RuleFailure, analyze, rewrite } from '../../server/src/core';
import { ALL_RULES, type Rule } from '../../server/src/core/rules';
import { dockerfile } from '../helpers/findings';

/** Runs `body` with every rule's check replaced by one that throws, then restores them. */
function withFailingRules<T>(body: () => T): T {
  const saved = ALL_RULES.map((rule) => rule.check);
  for (const rule of ALL_RULES) (rule as { check: Rule['check'] }).check = () => { throw new Error(`${rule.id} is broken`); };
  try {
    return body();
  } finally {
    ALL_RULES.forEach((rule, index) => ((rule as { check: Rule['check'] }).check = saved[index]!));
  }
}

const GCC = dockerfile('FROM debian:bookworm-slim', 'RUN apt-get update && apt-get install -y gcc', 'WORKDIR /app', 'COPY . .', 'RUN make', 'CMD ["./app"]');

describe('trust: a rule that throws is never "no findings"', () => {
  it('analyze() throws a RuleFailure naming the rule when no hook takes the error', () => {
    withFailingRules(() => assert.throws(() => analyze(GCC), (error: unknown) => error instanceof RuleFailure && error.ruleId === 'build-tools-in-runtime'));
  });

  it('with onRuleError, every failing rule is reported and the others still run', () => {
    const failed: string[] = [];
    const broken = ALL_RULES.find((rule) => rule.id === 'install-recommends')!;
    const saved = broken.check;
    (broken as { check: Rule['check'] }).check = () => { throw new Error('broken'); };
    try {
      const findings = analyze(GCC, {}, { onRuleError: (id) => failed.push(id) });
      assert.deepStrictEqual(failed, ['install-recommends']);
      assert.ok(findings.some((finding) => finding.ruleId === 'build-tools-in-runtime'));
    } finally {
      (broken as { check: Rule['check'] }).check = saved;
    }
  });

  it('rewrite() throws a RuleFailure instead of calling the file clean', () => {
    withFailingRules(() => assert.throws(() => rewrite(GCC), RuleFailure));
  });
});

describe('trust: a lone carriage return (part of the line for Docker, a line break for editors)', () => {
  /** The text an LSP client shows under a finding's range. */
  const underRange = (text: string, range: Parameters<TextDocument['getText']>[0]) => TextDocument.create('file:///Dockerfile', 'dockerfile', 1, text).getText(range);

  it('puts every finding on the text it names, as the editor counts lines', () => {
    // Docker sees four lines; an editor sees six (each lone CR starts a line).
    const text = 'FROM debian:bookworm-slim\nLABEL description="one\rtwo\rthree"\nRUN apt-get update && apt-get install -y gcc\nRUN apt-get install -y make\n';
    const findings = analyze(text).filter((finding) => finding.ruleId === 'build-tools-in-runtime');
    assert.deepStrictEqual(findings.map((finding) => underRange(text, finding.range)), ['gcc', 'make']);
    assert.deepStrictEqual(findings.map((finding) => finding.range.start.line), [4, 5]);
  });

  it('keeps a LABEL with a lone CR one instruction, as Docker does', () => {
    const text = 'FROM debian:bookworm-slim\nLABEL a="b\rc"\nRUN apt-get install -y gcc\nWORKDIR /app\nCOPY . .\nRUN make\nCMD ["./app"]\n';
    const result = rewrite(text);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.ok(result.text.includes('LABEL a="b\rc"\n'), 'the LABEL line is kept whole, CR and all');
  });

  it('never splits a continued RUN that holds a lone CR', () => {
    const text = 'FROM debian:bookworm-slim\nRUN apt-get install -y gcc\nWORKDIR /app\nCOPY . .\nRUN gcc -o app main.c \\\n  && echo "x\ry" \\\n  && strip app\nCMD ["./app"]\n';
    const result = rewrite(text);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.ok(result.text.includes('RUN gcc -o app main.c \\\n  && echo "x\ry" \\\n  && strip app\n'), result.text);
    // Every line of the output is a whole instruction for Docker (\n-separated lines).
    const dockerLines = result.text.replace(/\r(?!\n)/g, '\uE000');
    const keywords = DockerfileParser.parse(dockerLines).getInstructions().map((instruction) => instruction.getKeyword());
    assert.deepStrictEqual(keywords.filter((keyword) => keyword === 'RUN').length, 2);
  });

  it('names lines in messages as the editor shows them', () => {
    const text = 'FROM debian:bookworm-slim\nLABEL a="b\r\rc"\nRUN apt-get install -y gcc\nRUN apt-get purge -y gcc\n';
    const late = analyze(text).find((finding) => finding.ruleId === 'late-removal')!;
    assert.match(late.message, /installed by the RUN on line 5;/);
    const refusal = rewrite('FROM debian:bookworm-slim\nLABEL a="b\r\rc"\nRUN apt-get install -y gcc\nRUN make \\\n  && "unclosed\nCMD ["x"]\n');
    assert.ok(!refusal.ok);
    assert.match(refusal.reason, /the RUN on line 6 /);
  });
});

describe('trust: the rewrite never writes an invalid reference', () => {
  it('does not name its builder after an image a FROM uses (FROM builder)', () => {
    const result = rewrite(dockerfile('FROM builder', 'RUN apt-get update && apt-get install -y gcc', 'WORKDIR /app', 'COPY . .', 'RUN make', 'CMD ["./app"]'));
    assert.ok(result.ok, result.ok ? '' : result.reason);
    const froms = DockerfileParser.parse(result.text).getFROMs();
    const stageNames = froms.map((from) => from.getBuildStage()?.toLowerCase());
    assert.equal(froms.at(-1)!.getImageName(), 'builder');
    assert.ok(!stageNames.includes('builder'), `a stage is named builder: ${result.text}`);
  });

  it('keeps an ARG without a default in the runtime FROM (never python:-slim)', () => {
    const result = rewrite(dockerfile('ARG PYTHON_VERSION', 'FROM python:${PYTHON_VERSION}', 'RUN apt-get update && apt-get install -y gcc libpq-dev', 'WORKDIR /app', 'COPY . .', 'RUN pip install -r requirements.txt', 'CMD ["python", "app.py"]'));
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.match(result.text, /^FROM python:\$\{PYTHON_VERSION\}-slim$/m);
    assert.doesNotMatch(result.text, /:-slim/);
  });

  it('never pastes an expanded value that doubles itself into the output', () => {
    for (const levels of [27, 29]) {
      const text = dockerfile('FROM debian:bookworm-slim', 'ENV A=x', ...Array.from({ length: levels }, () => 'ENV A=$A$A'), 'RUN apt-get update && apt-get install -y $A gcc', 'WORKDIR /app', 'COPY . .', 'RUN make', 'CMD ["./app"]');
      assert.doesNotThrow(() => analyze(text));
      const result = rewrite(text);
      assert.ok(!result.ok || result.text.length < text.length * 4, `${levels} levels: a ${result.ok ? result.text.length : 0}-character rewrite`);
    }
  });
});

describe('trust: defects the fuzz suite found', () => {
  it('builds in the builder a RUN that installs compilers and then runs what needs them (gosu node ghost install)', () => {
    const result = rewrite(dockerfile(
      'FROM node:22-alpine',
      'RUN npm install -g ghost-cli',
      'RUN set -eux; apk add --no-cache --virtual .build-deps g++ make python3; mkdir -p /var/lib/ghost; gosu node ghost install --dir /var/lib/ghost',
      'WORKDIR /var/lib/ghost',
      'CMD ["node", "current/index.js"]',
    ));
    assert.ok(result.ok, result.ok ? '' : result.reason);
    const runtime = result.text.slice(result.text.lastIndexOf('\nFROM '));
    assert.doesNotMatch(runtime, /ghost install/, 'the step that compiles runs in the builder');
    assert.match(runtime, /COPY --from=builder \/var\/lib\/ghost \/var\/lib\/ghost/);
    assert.doesNotMatch(runtime, /python3|g\+\+/);
  });

  it('never derives an invalid reference from an invalid one (python:%@... gave python:%-slim)', () => {
    const result = rewrite(dockerfile('FROM python:%@3.12', 'RUN apt-get update && apt-get install -y gcc', 'WORKDIR /app', 'COPY . .', 'RUN pip install .', 'CMD ["app"]'));
    assert.ok(!result.ok);
    assert.match(result.reason, /not an image reference Docker accepts/);
  });
});

describe('trust: the rewrite keeps what the build writes and drops what only guarded the install', () => {
  const source = (install: string) => dockerfile(
    'FROM debian:bookworm-slim',
    `RUN apt-get update && apt-get install -y gcc libpq-dev ${install}`,
    'WORKDIR /src',
    'COPY main.c .',
    'RUN gcc -o /usr/local/bin/app main.c',
    'CMD ["app"]',
  );

  it('copies a compiler\'s -o output that lies outside the working directory', () => {
    const result = rewrite(source('curl'));
    assert.ok(result.ok, result.ok ? '' : result.reason);
    const runtime = result.text.slice(result.text.lastIndexOf('\nFROM '));
    assert.match(runtime, /COPY --from=builder \/usr\/local\/bin\/app \/usr\/local\/bin\/app/);
  });

  it('writes no stray `RUN true` for an install guarded by `|| true`', () => {
    const result = rewrite(source('curl || true'));
    assert.ok(result.ok, result.ok ? '' : result.reason);
    const runtime = result.text.slice(result.text.lastIndexOf('\nFROM '));
    assert.doesNotMatch(runtime, /\btrue\b/);
    assert.match(runtime, /install -y --no-install-recommends libpq5 curl/);
  });

  it('refuses instead of writing a file whose stages run together (an unterminated heredoc)', () => {
    const result = rewrite(dockerfile(
      'FROM debian:bookworm-slim',
      'RUN apt-get update && apt-get install -y gcc',
      'WORKDIR /src',
      'COPY main.c .',
      'RUN gcc -o app main.c',
      'RUN <<EOF',
      'echo never closed',
      'CMD ["./app"]',
    ));
    // Split after the build, the heredoc would swallow the runtime FROM that follows it.
    assert.ok(!result.ok, 'a rewrite whose runtime FROM lands inside a heredoc');
    assert.match(result.reason, /would not keep the stages apart/);
  });
});

describe('trust: thousands of ARG and ENV lines fit in the server\'s heap', () => {
  it('analyses 8,000 ENV and 4,000 ARG lines within a 96 MB heap (the language server\'s ceiling)', function () {
    this.timeout(120_000);
    // A separate process with the heap limit the VS Code client gives the server; quadratic scopes
    // ran out of memory at 1,500 ENV lines.
    const script = `
      const { initialize, analyze } = require(${JSON.stringify(join(__dirname, '../../server/src/core'))});
      initialize().then(() => {
        const env = 'FROM debian:bookworm-slim\\n' + Array.from({ length: 8000 }, (_, i) => 'ENV V' + i + '=value' + i + '_$V' + (i - 1)).join('\\n') + '\\nRUN apt-get install -y gcc\\n';
        const arg = 'FROM debian:bookworm-slim\\n' + Array.from({ length: 4000 }, (_, i) => 'ARG A' + i + '=v' + i).join('\\n') + '\\nRUN apt-get install -y gcc\\n';
        console.log(analyze(env).length, analyze(arg).length);
      });`;
    const result = spawnSync(process.execPath, ['--max-old-space-size=96', '-r', 'tsx/cjs', '-e', script], { encoding: 'utf8', cwd: join(__dirname, '../..') });
    assert.equal(result.status, 0, result.stderr.slice(-2000));
    assert.match(result.stdout, /^\d+ \d+\n$/);
  });
});
