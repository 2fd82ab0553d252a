import type { ImageReference } from '../knowledge/images';
import { apk } from './apk';
import { apt } from './apt';
import { imageDistribution } from '../ecosystems/images';
import type { Distribution, DistributionBase, FamilyId, PackageFamily } from './family';
import { rpm } from './rpm';
import { zypper } from './zypper';

export type { Distribution, DistributionBase, FamilyId, PackageFamily } from './family';
export { useradd } from './family';

/** Every package-manager family. A new one is a module like apt.ts and a line here. */
export const FAMILIES: readonly PackageFamily[] = [apt, apk, rpm, zypper];

const byId = new Map<FamilyId, PackageFamily>(FAMILIES.map((family) => [family.id, family]));
const byTool = new Map<string, PackageFamily>(FAMILIES.flatMap((family) => family.tools.map((tool) => [tool, family] as const)));

export function family(id: FamilyId): PackageFamily {
  return byId.get(id)!;
}

/** The family whose program a command runs (`apt-get`, `apk`, `microdnf`), if any. */
export function familyOfTool(tool: string): PackageFamily | undefined {
  return byTool.get(tool);
}

/** Every family's programs: RUNs that name none of them install no OS packages. */
export const PACKAGE_MANAGER_TOOLS: readonly string[] = [...byTool.keys()];

/** The distribution base image an image is, and its family; undefined for images of other kinds. */
export function distributionOf(image: ImageReference): { family: PackageFamily; base: DistributionBase } | undefined {
  for (const candidate of FAMILIES) {
    const base = candidate.distributionBase(image);
    if (base) return { family: candidate, base };
  }
  return undefined;
}

/**
 * The distribution an image is built on: a distribution image's own, or the one an official
 * language or toolchain image's tag names (Debian unless the tag says Alpine or Ubuntu).
 */
export function baseDistribution(image: ImageReference): Distribution {
  return distributionOf(image)?.base ?? imageDistribution(image);
}
