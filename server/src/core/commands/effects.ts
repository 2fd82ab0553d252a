import type { PackageFamily } from '../knowledge/build-tools';
import type { ShellArg, ShellCommand } from '../shell/parse';

/** A package named on a command line, with the word it came from. */
export interface PackageArg {
  readonly name: string;
  readonly arg: ShellArg;
}

/** Ecosystems whose dependency installs can be cached by copying their manifest first. */
export type Ecosystem = 'python' | 'node' | 'go' | 'ruby' | 'java-maven' | 'java-gradle' | 'rust' | 'php' | 'dotnet';

/** What one shell command does that the rules care about. */
export type CommandEffect =
  | {
      readonly kind: 'package-install';
      readonly family: PackageFamily;
      readonly tool: string;
      readonly command: ShellCommand;
      /** Where `apt-get install` ends, for ranges on the verb. */
      readonly verbEnd: number;
      readonly packages: readonly PackageArg[];
      readonly noRecommends: boolean;
      /** apk without --no-cache keeps its index in /var/cache/apk. */
      readonly keepsIndexCache: boolean;
      /** apk --virtual NAME groups the packages for one `apk del NAME`. */
      readonly virtualGroup: string | undefined;
    }
  | {
      readonly kind: 'package-remove';
      readonly family: PackageFamily;
      readonly tool: string;
      readonly command: ShellCommand;
      readonly packages: readonly PackageArg[];
      /** Whether the dependencies nothing else needs go too (apt --auto-remove; apk, dnf by default). */
      readonly autoremove: boolean;
    }
  | { readonly kind: 'package-autoremove'; readonly family: PackageFamily; readonly tool: string; readonly command: ShellCommand }
  | { readonly kind: 'package-index-update'; readonly family: PackageFamily; readonly tool: string; readonly command: ShellCommand; readonly verbEnd: number }
  | {
      readonly kind: 'package-cache-clean';
      readonly family: PackageFamily;
      readonly tool: string;
      readonly command: ShellCommand;
      /** `apt-get clean` leaves /var/lib/apt/lists; `yum clean all` removes everything. */
      readonly removesIndexes: boolean;
    }
  | { readonly kind: 'package-mark'; readonly family: PackageFamily; readonly command: ShellCommand; readonly manual: boolean; readonly names: readonly string[] | 'all' }
  | { readonly kind: 'pip-install'; readonly command: ShellCommand; readonly verbEnd: number; readonly noCacheDir: boolean; readonly requirementFiles: readonly ShellArg[] }
  | { readonly kind: 'dependency-install'; readonly ecosystem: Ecosystem; readonly command: ShellCommand; readonly manifests: readonly string[] }
  | { readonly kind: 'remove-paths'; readonly command: ShellCommand; readonly paths: ReadonlyArray<{ readonly path: string; readonly arg: ShellArg }> }
  | { readonly kind: 'write-path'; readonly command: ShellCommand; readonly path: string; readonly what: string };
