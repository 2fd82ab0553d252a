import { basename, optionValues, parseOptions } from '../commands/argv';
import { resolvePath } from '../commands/paths';
import type { Ecosystem } from './ecosystem';
import { distributionRuntime } from './images';
import type { PlanContribution, PlanInput } from './plan-input';

export const go: Ecosystem = {
  id: 'go',
  title: 'Go',
  commands: ['go'],
  dependencyInstallHint: /\bgo\b[\s\S]*?\bdownload\b/,
  installNeedsOnlyManifests: true,

  interpret(_tool, argv, command) {
    const words = argv.slice(1).map((arg) => arg.value ?? '');
    return words[0] === 'mod' && words.includes('download') ? [{ kind: 'dependency-install', ecosystem: 'go', command, manifests: ['go.mod', 'go.sum*'] }] : [];
  },

  builds: () => true,
  compilers: ['go'],

  toolchainImages: [{ matches: (image) => image.repository === 'golang', keeps: 'the Go toolchain, gcc and git', runtimeImage: distributionRuntime }],

  classifyStart(start, context) {
    const [first, ...rest] = start.words;
    if (basename(first) !== 'go') return undefined;
    const spelled = start.words.slice(0, 3).join(' ');
    if (rest[0] !== 'run') return { kind: 'build-environment', reason: `it runs \`${spelled}\` at start-up and needs the Go toolchain` };
    const dashDash = rest.indexOf('--');
    const operands = rest.slice(1, dashDash < 0 ? undefined : dashDash);
    const packageIndex = operands.findIndex((word) => !word.startsWith('-'));
    if (packageIndex < 0) return { kind: 'unsupported', reason: 'its `go run` names no package to build' };
    const packages = operands.slice(packageIndex).filter((word) => word.endsWith('.go') || /^[./]/.test(word));
    const programArgs = [...operands.slice(packageIndex + packages.length), ...(dashDash < 0 ? [] : rest.slice(dashDash + 1))];
    const binary = '/usr/local/bin/app';
    void context;
    return {
      kind: 'compiles-at-start',
      buildCommand: `go build -o ${binary} ${(packages.length > 0 ? packages : ['.']).join(' ')}`,
      artefact: { from: binary, to: binary },
      startWords: [binary, ...programArgs],
    };
  },

  contribute: planGo,
};

function planGo(input: PlanInput): PlanContribution {
  const artefacts: Array<readonly [string, string]> = [];
  const runtimePackages: string[] = [];
  const builderInsertions: Array<{ before: (typeof input.instructions)[number]; lines: string[] }> = [];
  const goCommands = input.builderCommands.filter(({ command }) => basename(command.args[0]?.value) === 'go');
  // A static binary runs on any base; cgo (wanted when -dev packages are installed) stays as set.
  const cgo = input.movedPackages.some((name) => /-dev(el)?$/.test(name) && name !== 'libc6-dev' && name !== 'musl-dev');
  const staticBuild = input.scope('CGO_ENABLED') === undefined && !cgo;
  if (staticBuild && goCommands[0]) builderInsertions.push({ before: goCommands[0].info, lines: ['ENV CGO_ENABLED=0'] });
  for (const { command } of goCommands) {
    const words = command.args.map((arg) => arg.value ?? '');
    const parsed = parseOptions(command.args.slice(2), new Set(['-o', '-ldflags', '-tags', '-gcflags', '-mod', '-p']));
    if (words[1] === 'build') {
      const path = resolvePath(optionValues(parsed, '-o')[0], command.cwd);
      if (path) artefacts.push([path, path]);
    } else if (words[1] === 'install') {
      const bin = input.scope('GOBIN') ?? `${input.scope('GOPATH') ?? (input.baseImage.repository === 'golang' ? '/go' : '/root/go')}/bin`;
      artefacts.push([bin, bin]);
    }
  }
  // The golang image puts /go/bin on PATH and has CA certificates; the distribution image it leaves for has neither.
  const afterArtefacts = input.toolchainBase && artefacts.some(([, to]) => to === '/go/bin' || to.startsWith('/go/bin/')) ? ['ENV PATH="/go/bin:$PATH"'] : [];
  // Go's crypto/x509 reads the CA bundle file, so a Go program needs the file, not the package and
  // the OpenSSL it pulls in. Only when nothing else the runtime installs is a program that might
  // use OpenSSL's own lookup: other runtime packages must be libraries.
  const wantsCertificates = input.toolchainBase || input.runtimePackages.includes('ca-certificates');
  const onlyLibraries = input.runtimePackages.every((name) => name === 'ca-certificates' || /^lib/.test(name));
  const dropRuntimePackages: string[] = [];
  if (wantsCertificates && onlyLibraries && input.runtimeDistribution) {
    const bundle = input.runtimeDistribution.family.id === 'rpm' ? '/etc/pki/tls/certs/ca-bundle.crt' : '/etc/ssl/certs/ca-certificates.crt';
    artefacts.push([bundle, bundle]);
    dropRuntimePackages.push('ca-certificates');
  } else if (input.toolchainBase && input.runtimeDistribution?.family.id === 'apt') runtimePackages.push('ca-certificates');
  // A program compiled from a go run keeps its assets (templates, static files) around it.
  const workdir = input.compilesAtStart ? ('copy' as const) : undefined;
  return { artefacts, afterArtefacts, runtimePackages, dropRuntimePackages, builderInsertions, workdir, startBuildEnvironment: staticBuild && goCommands.length === 0 ? 'CGO_ENABLED=0' : undefined };
}
