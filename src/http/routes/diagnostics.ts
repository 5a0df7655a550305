import { Router, type Request, type Response } from 'express';
import type { DiagnosticsRecorder } from '../../diagnostics/recorder.js';
import { contextOf, sendJson } from '../context.js';
import type { Payload, QueryOf } from '../types.js';

/** exportDiagnostics: the recent breadcrumbs, for support. */
export function diagnosticsRoutes({ diagnostics }: { diagnostics: DiagnosticsRecorder }, router: Router = Router()): Router {
  router.get('/api/llm/diagnostics', async (req: Request, res: Response) => {
    const query = req.query as QueryOf<'exportDiagnostics'>;
    const limit = Number(query.limit ?? 100);
    const entries = await diagnostics.recent({ limit, correlationId: query.correlationId });
    const payload: Payload<'exportDiagnostics'> = { entries };
    contextOf(res).meta.count = entries.length;
    sendJson(res, 200, payload);
  });

  return router;
}
