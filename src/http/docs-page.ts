import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ContractDocument } from './contract.js';

type Operation = { operationId?: string; summary?: string; description?: string };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A plain index of the operations, served when the Redoc build (`npm run docs`) is absent. */
export function fallbackPage(contract: ContractDocument): string {
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

/**
 * Where `/docs` comes from: the built reference (docs-site/index.html from `npm run docs`),
 * streamed from disk when asked for rather than held in memory (it is 2.5 MB), or without it
 * a plain index built once.
 */
export function docsPage(docsDir: string, contract: ContractDocument): () => { file: string } | { html: string } {
  const built = path.join(docsDir, 'index.html');
  let fallback: string | undefined;
  return () => (existsSync(built) ? { file: built } : { html: (fallback ??= fallbackPage(contract)) });
}
