import { basename, optionValues, parseOptions } from '../commands/argv';
import { resolvePath } from '../commands/paths';
import type { ImageReference } from '../knowledge/images';
import type { Ecosystem, StartContext } from './ecosystem';
import type { PlanContribution, PlanInput } from './plan-input';

const SDK = /^mcr\.microsoft\.com\/dotnet\/(core\/)?sdk$/;

/** ASP.NET Core's runtime image unless the project file says it is no web project. */
function runtimeImage(image: ImageReference, web = true): string {
  // The SDK's Debian tags (`8.0-bookworm`) have slim runtime counterparts (`8.0-bookworm-slim`).
  const tag = image.tag.replace(/-(bookworm|bullseye|trixie)$/, '-$1-slim');
  return `${image.repository.replace(/sdk$/, web ? 'aspnet' : 'runtime')}:${tag}`;
}

export const dotnet: Ecosystem = {
  id: 'dotnet',
  title: '.NET',
  commands: ['dotnet'],
  dependencyInstallHint: /\bdotnet\b[\s\S]*?\brestore\b/,
  installNeedsOnlyManifests: true,

  interpret(_tool, argv, command) {
    return argv[1]?.value === 'restore' ? [{ kind: 'dependency-install', ecosystem: 'dotnet', command, manifests: ['*.csproj'] }] : [];
  },

  builds: (_tool, argv) => !['--info', '--version', '--list-sdks', '--list-runtimes'].includes(argv[1]?.value ?? ''),

  toolchainImages: [{ matches: (image) => SDK.test(image.repository), keeps: 'the .NET SDK (compilers, NuGet, MSBuild)', runtimeImage: (image) => runtimeImage(image) }],

  classifyStart(start, context) {
    const [first, ...rest] = start.words;
    if (basename(first) !== 'dotnet') return undefined;
    if (rest[0] === 'watch' || rest[0] === 'test') return { kind: 'build-environment', reason: `it runs \`dotnet ${rest[0]}\` at start-up and needs the SDK` };
    if (rest[0] !== 'run') return undefined;
    const project = projectName(context);
    if (!project) return { kind: 'unsupported', reason: 'its CMD is `dotnet run`, and no project file in the build context names the assembly to run instead' };
    const target = context.workdir && context.workdir !== '/' ? context.workdir : '/app';
    const dashDash = rest.indexOf('--');
    return {
      kind: 'compiles-at-start',
      buildCommand: `dotnet publish -c Release -o ${target}/publish`,
      artefact: { from: `${target}/publish`, to: target },
      startWords: ['dotnet', `${target}/${project}.dll`, ...(dashDash < 0 ? [] : rest.slice(dashDash + 1))],
    };
  },

  contribute: planDotnet,
};

/** The assembly a project builds: its project file's name, when the context has exactly one. */
function projectName(context: StartContext): string | undefined {
  const projects = context.contextFiles().filter((name) => name.endsWith('.csproj') || name.endsWith('.fsproj'));
  return projects.length === 1 ? projects[0]!.replace(/\.(cs|fs)proj$/, '') : undefined;
}

function planDotnet(input: PlanInput): PlanContribution {
  const artefacts: Array<readonly [string, string]> = [];
  for (const { command } of input.builderCommands) {
    if (basename(command.args[0]?.value) !== 'dotnet' || command.args[1]?.value !== 'publish') continue;
    const output = optionValues(parseOptions(command.args.slice(2), new Set(['-o', '--output', '-c', '--configuration', '-r', '--runtime', '-f', '--framework'])), '-o', '--output')[0];
    const path = resolvePath(output, command.cwd);
    if (path) artefacts.push([path, path]);
  }
  if (!input.toolchainBase || !SDK.test(input.baseImage.repository)) return { artefacts };
  // A console project runs on the smaller runtime image; ASP.NET Core needs aspnet.
  const project = input.contextFiles().find((name) => name.endsWith('.csproj'));
  const text = project ? input.readContextFile(project) : undefined;
  const web = text === undefined || /Sdk="Microsoft\.NET\.Sdk\.Web"/.test(text);
  return { artefacts, workdir: artefacts.length > 0 ? 'skip' : undefined, runtimeBase: web ? undefined : runtimeImage(input.baseImage, false) };
}
