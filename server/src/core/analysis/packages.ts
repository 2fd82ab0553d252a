import type { CommandEffect } from '../commands';
import { family as familyById, type FamilyId } from '../families';
import type { InstructionInfo } from '../model';
import type { ShellArg } from '../shell/parse';

/** One package installed in the runtime image, and whether and where it went away again. */
export interface PackageRecord {
  readonly family: FamilyId;
  readonly name: string;
  readonly installedBy: InstructionInfo;
  readonly installArg: ShellArg;
  readonly virtualGroup: string | undefined;
  manual: boolean;
  removal: { readonly by: InstructionInfo; readonly start: number; readonly end: number } | undefined;
  /** What a metapackage removed without autoremove leaves installed (`build-essential` -> gcc, g++...). */
  dependenciesLeft: readonly string[] | undefined;
}

/**
 * Replays the package commands of the runtime image in order: installs, `apt-mark`, removals and
 * autoremove (the official images' `savedAptMark` idiom marks everything automatic, then purges).
 */
export class PackageHistory {
  readonly records: PackageRecord[] = [];
  private readonly installed = new Map<string, PackageRecord>();

  apply(info: InstructionInfo, effect: CommandEffect): void {
    switch (effect.kind) {
      case 'package-install':
        for (const pkg of effect.packages) {
          const record: PackageRecord = {
            family: effect.family,
            name: pkg.name,
            installedBy: info,
            installArg: pkg.arg,
            virtualGroup: effect.virtualGroup,
            manual: true,
            removal: undefined,
            dependenciesLeft: undefined,
          };
          this.records.push(record);
          this.installed.set(keyOf(effect.family, pkg.name), record);
        }
        break;
      case 'package-mark':
        for (const record of this.installed.values()) {
          if (record.family === effect.family && (effect.names === 'all' || effect.names.includes(record.name))) record.manual = effect.manual;
        }
        break;
      case 'package-remove':
        for (const pkg of effect.packages) {
          const removed = this.installedNamed(effect.family, pkg.name);
          for (const record of removed) this.remove(record, info, pkg.arg.start, pkg.arg.end, effect.autoremove);
        }
        if (effect.autoremove && effect.family === 'apt') this.autoremove(info, effect.command.start, effect.command.end);
        break;
      case 'package-autoremove':
        this.autoremove(info, effect.command.start, effect.command.end);
        break;
      default:
        break;
    }
  }

  /** The package with that name, or every package of an apk `--virtual` group of that name. */
  private installedNamed(family: FamilyId, name: string): PackageRecord[] {
    const direct = this.installed.get(keyOf(family, name));
    if (direct) return [direct];
    return family === 'apk' ? [...this.installed.values()].filter((record) => record.family === 'apk' && record.virtualGroup === name) : [];
  }

  private remove(record: PackageRecord, by: InstructionInfo, start: number, end: number, autoremove: boolean): void {
    record.removal = { by, start, end };
    this.installed.delete(keyOf(record.family, record.name));
    const dependencies = autoremove ? undefined : familyById(record.family).installedSize?.(record.name)?.dependsOn;
    record.dependenciesLeft = dependencies && dependencies.length > 0 ? dependencies : undefined;
  }

  private autoremove(by: InstructionInfo, start: number, end: number): void {
    for (const record of [...this.installed.values()]) {
      if (!record.manual) this.remove(record, by, start, end, true);
    }
    // What a metapackage pulled in was installed automatically, so autoremove takes it too.
    for (const record of this.records) {
      if (record.dependenciesLeft) record.dependenciesLeft = undefined;
    }
  }
}

function keyOf(family: FamilyId, name: string): string {
  return `${family}:${name}`;
}
