import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DockerEngine } from '../../../server/src/engine/engine';
import { resolveEndpoint } from '../../../server/src/engine/endpoint';
import type { ComparisonReport } from '../../../server/src/engine/report';

const FIXTURE = join(__dirname, '../../../fixtures/apps/c-make/Dockerfile');

describe('Compare Image Sizes in VS Code', function () {
  this.timeout(20 * 60_000);

  before(async function () {
    const engine = new DockerEngine(resolveEndpoint({ env: process.env }));
    try {
      await engine.ping(5000);
    } catch (error) {
      if (process.env.CI === 'true') throw error;
      console.log(`      SKIPPED (no Docker Engine here): ${(error as Error).message}`);
      this.skip();
    }
  });

  it('builds the Dockerfile and its rewrite and returns the figures the report shows', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(FIXTURE)));
    const report = await vscode.commands.executeCommand<ComparisonReport | undefined>('multistage.compareImageSizes', vscode.Uri.file(FIXTURE));
    assert.ok(report, 'the command returned a report');
    assert.equal(report.original.dockerfile, FIXTURE);
    assert.ok(report.rewritten.sizeBytes < report.original.sizeBytes);
    assert.equal(report.reductionBytes, report.original.sizeBytes - report.rewritten.sizeBytes);
    assert.ok(report.reductionPercent > 50, `${report.reductionPercent}%`);
    assert.ok(report.original.buildTools.includes('gcc'));
    assert.deepStrictEqual(report.rewritten.buildTools, []);
    assert.ok((report.original.packages ?? 0) > (report.rewritten.packages ?? Infinity));
    // The report opens beside the editor (and stays for the screenshot).
    const reportTab = await waitForTab((tab) => tab.input instanceof vscode.TabInputWebview && tab.label.startsWith('Image sizes: Dockerfile'));
    assert.ok(reportTab);
  });
});

/** The first tab that matches, waiting on tab changes (bounded) rather than sleeping. */
function waitForTab(match: (tab: vscode.Tab) => boolean, timeoutMs = 15_000): Promise<vscode.Tab> {
  const find = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs).find(match);
  return new Promise((resolve, reject) => {
    const found = find();
    if (found) return resolve(found);
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no such tab within ${timeoutMs} ms; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ')}`));
    }, timeoutMs);
    const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
      const tab = find();
      if (!tab) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(tab);
    });
  });
}
