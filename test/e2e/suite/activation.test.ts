import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

const EXTENSION_ID = 'dockerfile-multistage.dockerfile-multistage';

describe('activation', () => {
  it('is lazy and cheap: measured and recorded, not asserted (see npm run bench for timings)', async () => {
    const extension = vscode.extensions.getExtension<{ activationMs: number; clientLoaded: Promise<number> }>(EXTENSION_ID);
    assert.ok(extension, 'the extension is installed');
    assert.equal(extension.isActive, false, 'nothing activates it before a Dockerfile opens');
    const started = performance.now();
    const api = await extension.activate();
    const wall = performance.now() - started;
    assert.equal(typeof api.activationMs, 'number');
    const clientMs = await api.clientLoaded;
    console.log(`      activation: ${wall.toFixed(1)} ms including loading the bundle, ${api.activationMs.toFixed(1)} ms in activate(); then ${clientMs.toFixed(1)} ms to load and start the language client`);
  });
});
