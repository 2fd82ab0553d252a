import type { Connection } from 'vscode-languageserver/node';
import type { AnalyzeOptions, SeveritySetting } from '../core';
import { DEFAULT_SETTINGS, SETTINGS_SECTION, type MultistageSettings } from '../protocol';

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);
/** A client that declares `workspace/configuration` but never answers must not stall diagnostics. */
export const CONFIGURATION_TIMEOUT_MS = 5_000;

/**
 * The `multistage` settings of each document, from every way clients pass them:
 * - `workspace/configuration` (VS Code, Neovim's `settings`, eglot's `eglot-workspace-configuration`,
 *   Helix's `config`), asked per document when the client supports it;
 * - `workspace/didChangeConfiguration` with `{ settings: { multistage: {...} } }`;
 * - `initializationOptions` as `{ settings: {...} }`, `{ settings: { multistage: {...} } }` or
 *   `{ multistage: {...} }` (Neovim's `init_options`, eglot's `:initializationOptions`, Helix's `config`).
 * The first that has a value wins, in that order, then the defaults.
 */
export class SettingsStore {
  private readonly byUri = new Map<string, Promise<MultistageSettings>>();
  private initialization: MultistageSettings | undefined;
  private pushed: MultistageSettings | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly clientPullsConfiguration: () => boolean,
    private readonly log: (message: string) => void,
  ) {}

  setInitializationOptions(options: unknown): void {
    const value = record(options);
    const settings = record(value?.settings);
    const section = settings?.[SETTINGS_SECTION] ?? value?.[SETTINGS_SECTION] ?? value?.settings;
    this.initialization = section === undefined ? undefined : sanitize(section);
  }

  /**
   * A didChangeConfiguration: `settings` with our section replaces what was pushed before; a
   * settings object without it drops that (the client sends its whole configuration); null, as
   * clients that expect to be asked send, keeps it. Every document is asked again.
   */
  configurationChanged(settings: unknown): void {
    const value = record(settings);
    if (value) this.pushed = value[SETTINGS_SECTION] === undefined ? undefined : sanitize(value[SETTINGS_SECTION]);
    this.byUri.clear();
  }

  forDocument(uri: string): Promise<MultistageSettings> {
    const fallback = this.pushed ?? this.initialization ?? DEFAULT_SETTINGS;
    if (!this.clientPullsConfiguration()) return Promise.resolve(fallback);
    let pending = this.byUri.get(uri);
    if (!pending) {
      pending = this.ask(uri, fallback);
      this.byUri.set(uri, pending);
    }
    return pending;
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  private ask(uri: string, fallback: MultistageSettings): Promise<MultistageSettings> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.log(`The client did not answer workspace/configuration for ${uri} within ${CONFIGURATION_TIMEOUT_MS / 1000} s; using the settings it pushed or the defaults.`);
        resolve(fallback);
      }, CONFIGURATION_TIMEOUT_MS);
      this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).then(
        // Clients answer null for a section they have nothing for (Neovim, Helix): use what was pushed.
        (answer: unknown) => resolve(answer === null || answer === undefined ? fallback : sanitize(answer)),
        (error: unknown) => {
          this.log(`workspace/configuration failed for ${uri}: ${error instanceof Error ? error.message : String(error)}; using the settings it pushed or the defaults.`);
          resolve(fallback);
        },
      ).finally(() => clearTimeout(timer));
    });
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Settings come from user JSON: keep what is well-formed, drop the rest. */
export function sanitize(raw: unknown): MultistageSettings {
  const value = record(raw) ?? {};
  const rules: Record<string, string> = {};
  for (const [id, severity] of Object.entries(record(value.rules) ?? {})) {
    if (typeof severity === 'string' && SEVERITIES.has(severity)) rules[id] = severity;
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

/** Equal for equal settings, whatever order the client listed the rules in. */
export function settingsKey(settings: MultistageSettings): string {
  const rules = Object.keys(settings.rules).sort().map((id) => [id, settings.rules[id]]);
  return JSON.stringify([settings.target, rules, settings.extraBuildTools]);
}
