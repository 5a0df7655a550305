import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';

export interface ValidatedApp {
  url: string;
  close(): Promise<void>;
}

type ValidatorExtras = { ajvFormats?: { mode: 'full' }; formats?: Record<string, { type: 'string'; validate: (value: string) => boolean }> };

/** The patched validator over a copy of `spec`, requests and responses validated, as the service runs it. */
export function patchedValidator(spec: object, extra: ValidatorExtras = {}): ReturnType<typeof OpenApiValidator.middleware> {
  return OpenApiValidator.middleware({
    apiSpec: structuredClone(spec) as never,
    validateRequests: true,
    validateResponses: true,
    validateApiSpec: false,
    validateSecurity: false,
    fileUploader: false,
    ...extra,
  });
}

/**
 * A bare Express app behind the patched validator (requests and responses validated, as the
 * service runs it) on 127.0.0.1 port 0, for tests of the patch itself. `routes` adds the handlers;
 * a validator error answers its own status.
 */
export async function serveValidated(spec: object, routes: (app: Express) => void, extra: ValidatorExtras = {}): Promise<ValidatedApp> {
  const app = express();
  app.use(patchedValidator(spec, extra));
  routes(app);
  app.use((err: { status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).json({ status: err.status ?? 500, message: err.message });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
