import type { EcosystemId, ToolCache } from '../ecosystems/ecosystem';
import type { FamilyId } from '../families/family';
import type { ShellArg, ShellCommand } from '../shell/parse';

/** A package named on a command line, with the word it came from. */
export interface PackageArg {
  readonly name: string;
  readonly arg: ShellArg;
}

/** What one shell command does that the rules care about. */
export type CommandEffect =
  | {
      readonly kind: 'package-install';
      readonly family: FamilyId;
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
      readonly family: FamilyId;
      readonly tool: string;
      readonly command: ShellCommand;
      readonly packages: readonly PackageArg[];
      /** Whether the dependencies nothing else needs go too (apt --auto-remove; apk, dnf by default). */
      readonly autoremove: boolean;
    }
  | { readonly kind: 'package-autoremove'; readonly family: FamilyId; readonly tool: string; readonly command: ShellCommand }
  | { readonly kind: 'package-index-update'; readonly family: FamilyId; readonly tool: string; readonly command: ShellCommand; readonly verbEnd: number }
  | {
      readonly kind: 'package-cache-clean';
      readonly family: FamilyId;
      readonly tool: string;
      readonly command: ShellCommand;
      /** `apt-get clean` leaves /var/lib/apt/lists; `yum clean all` removes everything. */
      readonly removesIndexes: boolean;
    }
  | { readonly kind: 'package-mark'; readonly family: FamilyId; readonly command: ShellCommand; readonly manual: boolean; readonly names: readonly string[] | 'all' }
  /** A tool writes its cache into the layer (pip's wheels), unless an environment variable turns it off. */
  | { readonly kind: 'tool-cache'; readonly cache: ToolCache; readonly command: ShellCommand; readonly verbEnd: number }
  | { readonly kind: 'dependency-install'; readonly ecosystem: EcosystemId; readonly command: ShellCommand; readonly manifests: readonly string[] }
  | { readonly kind: 'remove-paths'; readonly command: ShellCommand; readonly paths: ReadonlyArray<{ readonly path: string; readonly arg: ShellArg }> }
  | { readonly kind: 'write-path'; readonly command: ShellCommand; readonly path: string; readonly what: string };
