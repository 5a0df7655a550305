import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ContractDocument } from './contract.js';

type Operation = { operationId?: string; summary?: string; description?: string };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A plain index of the operations, served when the Redoc build (`npm run docs`) is absent. */
function fallbackPage(contract: ContractDocument): string {
  const doc = contract.document as { info?: { title?: string }; paths?: Record<string, Record<string, Operation>> };
  const rows: string[] = [];
  for (const [route, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !op.operationId) continue;
      rows.push(
        `<section id="${escapeHtml(op.operationId)}"><h2>${escapeHtml(op.summary ?? op.operationId)}</h2>` +
          `<p><code>${method.toUpperCase()} ${escapeHtml(route)}</code> — <code>${escapeHtml(op.operationId)}</code></p>` +
          `<p>${escapeHtml(op.description ?? '')}</p></section>`,
      );
    }
  }
  const title = escapeHtml(doc.info?.title ?? 'API');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1><p>The full contract is at <a href="/openapi.yaml">/openapi.yaml</a> and <a href="/openapi.json">/openapi.json</a>.</p>${rows.join('')}</main></body></html>`;
}

/** The built reference (docs-site/index.html from `npm run docs`) or, without it, a plain index. */
export function loadDocsPage(docsDir: string, contract: ContractDocument): string {
  const built = path.join(docsDir, 'index.html');
  return existsSync(built) ? readFileSync(built, 'utf8') : fallbackPage(contract);
}
