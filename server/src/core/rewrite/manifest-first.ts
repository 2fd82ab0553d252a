import { AnalysisContext } from '../analysis/context';
import { applyEdits } from '../fixes/apply';
import { manifestFirstFix } from '../fixes/manifest-first';
import type { DockerfileModel, StageInfo } from '../model';

/** The text with the stage's dependency manifests copied before their install, when that is safe. */
export function applyManifestFirst(model: DockerfileModel, stage: StageInfo): string {
  const fix = manifestFirstFix(new AnalysisContext(model, undefined, []), stage);
  return fix ? applyEdits(model.text, fix.edits) : model.text;
}
