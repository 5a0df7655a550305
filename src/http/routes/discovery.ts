import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { DiscoveryService } from '../../discovery/discovery-service.js';
import type { ProfileService } from '../../profiles/profile-service.js';
import { contextOf, sendJson } from '../context.js';
import { inRequestAt } from '../field-pointers.js';
import type { Payload, RequestBody } from '../types.js';

export interface DiscoveryRouteDeps {
  profiles: ProfileService;
  discovery: DiscoveryService;
  discoverRateLimit: RequestHandler;
}

export function discoveryRoutes({ profiles, discovery, discoverRateLimit }: DiscoveryRouteDeps, router: Router = Router()): Router {
  router.post('/api/llm/profiles/discover', discoverRateLimit, async (req: Request, res: Response) => {
    const { scope } = req.body as RequestBody<'discoverProviders'>;
    const ctx = contextOf(res);
    const result = await inRequestAt('/body/scope', () => discovery.discover(scope, profiles.endpoints(), ctx.locale));
    ctx.meta.strategy = scope.strategy;
    ctx.meta.findings = result.providers.length;
    ctx.meta.cached = result.cached;
    // The fact, counted; the addresses stay out of the trail.
    ctx.meta.exposedFindings = result.providers.filter((finding) => finding.exposure?.reachableFromNetwork).length;
    ctx.meta.advisories = result.providers.reduce((sum, finding) => sum + finding.advisories.length, 0);
    const payload: Payload<'discoverProviders'> = result;
    sendJson(res, 200, payload);
  });
  return router;
}
