import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DockerfileModel, analyzeModel, type AnalysisHooks, type Finding } from '../core';
import type { MultistageSettings } from '../protocol';
import { settingsKey, toAnalyzeOptions } from './settings';

interface Entry {
  readonly version: number;
  readonly model: DockerfileModel;
  readonly findingsBySettings: Map<string, readonly Finding[]>;
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

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  private entry(document: TextDocument): Entry {
    let entry = this.entries.get(document.uri);
    if (!entry || entry.version !== document.version) {
      entry = { version: document.version, model: new DockerfileModel(document.getText()), findingsBySettings: new Map() };
      this.entries.set(document.uri, entry);
    }
    return entry;
  }
}
