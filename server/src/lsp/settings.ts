import type { Connection } from 'vscode-languageserver/node';
import type { AnalyzeOptions, SeveritySetting } from '../core';
import { DEFAULT_SETTINGS, SETTINGS_SECTION, type MultistageSettings } from '../protocol';

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Settings per document, pulled from the client when it supports `workspace/configuration`. */
export class SettingsStore {
  private readonly byUri = new Map<string, Promise<MultistageSettings>>();
  private fallback: MultistageSettings = DEFAULT_SETTINGS;

  constructor(
    private readonly connection: Connection,
    private readonly clientPullsConfiguration: () => boolean,
  ) {}

  /** Settings pushed with didChangeConfiguration or initializationOptions, for clients that cannot be asked. */
  setFallback(raw: unknown): void {
    this.fallback = sanitize(raw);
  }

  forDocument(uri: string): Promise<MultistageSettings> {
    if (!this.clientPullsConfiguration()) return Promise.resolve(this.fallback);
    let pending = this.byUri.get(uri);
    if (!pending) {
      pending = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then(sanitize, () => DEFAULT_SETTINGS);
      this.byUri.set(uri, pending);
    }
    return pending;
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  clear(): void {
    this.byUri.clear();
  }
}

/** Settings come from user JSON: keep what is well-formed, drop the rest. */
export function sanitize(raw: unknown): MultistageSettings {
  const value = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, string> = {};
  if (typeof value.rules === 'object' && value.rules !== null) {
    for (const [id, severity] of Object.entries(value.rules as Record<string, unknown>)) {
      if (typeof severity === 'string' && SEVERITIES.has(severity)) rules[id] = severity;
    }
  }
  return {
    target: typeof value.target === 'string' ? value.target.trim() : '',
    rules,
    extraBuildTools: Array.isArray(value.extraBuildTools) ? value.extraBuildTools.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim()) : [],
  };
}

export function toAnalyzeOptions(settings: MultistageSettings): AnalyzeOptions {
  return {
    target: settings.target || undefined,
    severities: settings.rules as Record<string, SeveritySetting>,
    extraBuildTools: settings.extraBuildTools,
  };
}

export function settingsKey(settings: MultistageSettings): string {
  return JSON.stringify(settings);
}
