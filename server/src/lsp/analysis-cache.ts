import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DockerfileModel, analyzeModel, rewrite, type AnalysisHooks, type Finding, type RewriteResult } from '../core';
import type { MultistageSettings } from '../protocol';
import { settingsKey, toAnalyzeOptions } from './settings';

interface Entry {
  readonly version: number;
  readonly model: DockerfileModel;
  readonly findingsBySettings: Map<string, readonly Finding[]>;
  readonly rewriteBySettings: Map<string, RewriteResult>;
}

/** Parses each document version once; diagnostics, hovers and code actions share the result. */
export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly hooks: AnalysisHooks) {}

  model(document: TextDocument): DockerfileModel {
    return this.entry(document).model;
  }

  findings(document: TextDocument, settings: MultistageSettings): readonly Finding[] {
    const entry = this.entry(document);
    const key = settingsKey(settings);
    let findings = entry.findingsBySettings.get(key);
    if (!findings) {
      findings = analyzeModel(entry.model, toAnalyzeOptions(settings), this.hooks);
      entry.findingsBySettings.set(key, findings);
    }
    return findings;
  }

  /** The multi-stage rewrite of this version, computed once when an action or request needs it. */
  rewrite(document: TextDocument, settings: MultistageSettings): RewriteResult {
    const entry = this.entry(document);
    const key = settingsKey(settings);
    let result = entry.rewriteBySettings.get(key);
    if (!result) {
      try {
        result = rewrite(entry.model.text, { target: settings.target || undefined, extraBuildTools: settings.extraBuildTools });
      } catch (error) {
        this.hooks.onRuleError?.('rewrite', error);
        result = { ok: false, kind: 'unsupported', reason: 'the rewrite failed unexpectedly; the language server log has the details' };
      }
      entry.rewriteBySettings.set(key, result);
    }
    return result;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  private entry(document: TextDocument): Entry {
    let entry = this.entries.get(document.uri);
    if (!entry || entry.version !== document.version) {
      entry = { version: document.version, model: new DockerfileModel(document.getText()), findingsBySettings: new Map(), rewriteBySettings: new Map() };
      this.entries.set(document.uri, entry);
    }
    return entry;
  }
}
