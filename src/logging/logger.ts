/**
 * Structured logging with pino behind allow-list serializers (docs/architecture.md §5, §7). A raw outbound
 * HTTP error carries the request's headers, body and full URL, and its message may quote the
 * response, so errors are reduced to {name, code, statusCode, host} before anything is written;
 * `redact` covers secret-named fields that reach the log some other way.
 */
import { pino, type DestinationStream, type LogFn, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface ReducedError {
  name: string;
  code?: string;
  statusCode?: number;
  host?: string;
}

export interface ReducedRequest {
  method?: string;
  path?: string;
  requestId?: string;
}

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream | NodeJS.WritableStream;
}

const NAME = /^[A-Za-z_$][A-Za-z0-9_.$-]{0,63}$/;
const CODE = /^[A-Za-z0-9_.-]{1,64}$/;
const HOST = /^[A-Za-z0-9.:[\]-]{1,255}$/;
const METHOD = /^[A-Z]{1,16}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const PATH_MAX = 200;

const SECRET_FIELDS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'apiKey', 'api-key', 'x-api-key', 'token', 'prompt', 'password', 'secret'];

function accessor(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `["${name}"]`;
}

/** Secret-named fields at the top, one level down, and in any headers object up to two levels down. */
const REDACT_PATHS = SECRET_FIELDS.flatMap((name) => {
  const key = accessor(name);
  return [key.replace(/^\./, ''), `*${key}`, `headers${key}`, `*.headers${key}`, `*.*.headers${key}`];
});

type Bag = Record<string, unknown>;

function isBag(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null;
}

function read(bag: unknown, key: string): unknown {
  return isBag(bag) ? bag[key] : undefined;
}

/** The host of a URL object, a URL string, or a bare host name. */
function hostOf(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (HOST.test(value)) return value;
    try {
      return new URL(value).host;
    } catch {
      return undefined;
    }
  }
  const host = read(value, 'host');
  return typeof host === 'string' ? host : undefined;
}

function statusOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined;
}

/**
 * What of an error may be logged: its class name, machine code, HTTP status and target host.
 * Never its message (a library's message may quote the URL or the response), headers or body.
 */
export function reduceError(err: unknown): ReducedError {
  if (!isBag(err)) return { name: 'NonError' };
  try {
    const candidateName = read(err, 'name');
    const name = typeof candidateName === 'string' && NAME.test(candidateName) ? candidateName : 'Error';
    const reduced: ReducedError = { name };
    const code = read(err, 'code');
    if (typeof code === 'string' && CODE.test(code)) reduced.code = code;
    const statusCode = statusOf(read(read(err, 'response'), 'statusCode')) ?? statusOf(read(err, 'statusCode')) ?? statusOf(read(err, 'status'));
    if (statusCode !== undefined) reduced.statusCode = statusCode;
    const host = hostOf(read(read(err, 'options'), 'url')) ?? hostOf(read(err, 'host')) ?? hostOf(read(err, 'hostname'));
    if (host !== undefined && HOST.test(host)) reduced.host = host;
    return reduced;
  } catch {
    // A hostile getter must not take the log line (or the caller) down with it.
    return { name: 'Error' };
  }
}

function pathWithoutQuery(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const path = value.replace(/[?#].*$/s, '').replace(/[\u0000-\u001f\u007f]/g, '');
  return path.slice(0, PATH_MAX);
}

/** An incoming request as the log may show it: method, path without its query, request id. */
export function reduceRequest(req: unknown): ReducedRequest {
  if (!isBag(req)) return {};
  const reduced: ReducedRequest = {};
  const method = read(req, 'method');
  if (typeof method === 'string' && METHOD.test(method)) reduced.method = method;
  const path = pathWithoutQuery(read(req, 'originalUrl') ?? read(req, 'url') ?? read(req, 'path'));
  if (path !== undefined) reduced.path = path;
  const requestId = [read(req, 'requestId'), read(req, 'id'), read(read(req, 'headers'), 'x-request-id')].find(
    (value): value is string => typeof value === 'string' && REQUEST_ID.test(value),
  );
  if (requestId !== undefined) reduced.requestId = requestId;
  return reduced;
}

function reduceResponse(res: unknown): { statusCode?: number } {
  const statusCode = statusOf(read(res, 'statusCode'));
  return statusCode === undefined ? {} : { statusCode };
}

/** Errors passed anywhere at the top of a log call become their reduced form before pino sees them. */
function reduceErrorsIn(bag: Bag): Bag {
  const out: Bag = {};
  for (const [key, value] of Object.entries(bag)) out[key] = value instanceof Error || key === 'err' || key === 'error' ? reduceError(value) : value;
  return out;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { req: reduceRequest, res: reduceResponse, err: reduceError, error: reduceError, cause: reduceError },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      // pino takes an error's message as the log message when none is given; reduce first.
      logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
        const [first, ...rest] = args as unknown[];
        if (first instanceof Error) {
          method.apply(this, [{ err: reduceError(first) }, ...rest] as unknown as Parameters<LogFn>);
          return;
        }
        if (isBag(first)) {
          method.apply(this, [reduceErrorsIn(first), ...rest] as unknown as Parameters<LogFn>);
          return;
        }
        method.apply(this, args);
      },
    },
  };
  return options.destination ? pino(config, options.destination as DestinationStream) : pino(config);
}
