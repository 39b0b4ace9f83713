import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';

/**
 * Unary gRPC calls over node:http2, nothing more: a request message in, a response message out, errors as
 * {@link GrpcError} with the gRPC status code. No streaming, retries, compression or load balancing. It exists so
 * that `hwsweep status` can ask Temporal a few questions without loading @temporalio/client (see ./wire.ts);
 * everything else uses the real client.
 *
 * Framing (gRPC over HTTP/2, https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md): the body is one
 * message prefixed by a flag byte (0: not compressed) and its length (uint32, big-endian); the outcome arrives as
 * the `grpc-status` / `grpc-message` trailers (or headers, in a "trailers-only" reply).
 */

/** gRPC status codes (the ones callers branch on; any other code keeps its number and is named by {@link grpcCodeName}). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

export function grpcCodeName(code: number): string {
  return CODE_NAMES[code] ?? `code ${code}`;
}

/** A call that did not end with status OK. */
export class GrpcError extends Error {
  override readonly name = 'GrpcError';
  readonly code: number;
  constructor(code: number, details: string, opts: { cause?: unknown } = {}) {
    super(`${grpcCodeName(code)}: ${details}`, { cause: opts.cause });
    this.code = code;
  }
}

/** Where and how to connect. */
export interface GrpcTarget {
  /** `host:port` (IPv6 as `[::1]:7233`). */
  address: string;
  /** TLS (PEM contents); absent = plaintext HTTP/2 (h2c), as Temporal's dev server speaks. */
  tls?:
    | { ca?: Buffer | undefined; cert?: Buffer | undefined; key?: Buffer | undefined; serverName?: string | undefined }
    | undefined;
  /** Metadata sent with every call (lower-case header names, e.g. `authorization`). */
  metadata?: Record<string, string>;
}

/** HTTP status -> gRPC code, for replies that carry no grpc-status (a proxy answering instead of the server). */
function httpToGrpc(status: number): number {
  if (status === 400) return GrpcCode.INTERNAL;
  if (status === 401) return GrpcCode.UNAUTHENTICATED;
  if (status === 403) return 7; // PERMISSION_DENIED
  if (status === 404) return GrpcCode.UNIMPLEMENTED;
  if (status === 429 || status === 502 || status === 503 || status === 504) return GrpcCode.UNAVAILABLE;
  return GrpcCode.UNKNOWN;
}

function headerText(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `grpc-message` is percent-encoded. */
function decodeMessageHeader(v: string | undefined): string {
  if (!v) return '';
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** One HTTP/2 connection; several calls may run on it at once. Close it when done. */
export class GrpcChannel {
  readonly target: GrpcTarget;
  private readonly session: ClientHttp2Session;

  private constructor(target: GrpcTarget, session: ClientHttp2Session) {
    this.target = target;
    this.session = session;
  }

  /** Connects (TCP, TLS if asked, HTTP/2 settings). @throws GrpcError UNAVAILABLE when that fails or takes over `timeoutMs`. */
  static async open(target: GrpcTarget, timeoutMs: number): Promise<GrpcChannel> {
    const tls = target.tls;
    const session = connect(`${tls ? 'https' : 'http'}://${target.address}`, {
      ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName, ALPNProtocols: ['h2'] } : {}),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
        session.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
        session.once('error', (err: Error) => {
          clearTimeout(timer);
          reject(err);
        });
      });
    } catch (cause) {
      session.destroy();
      throw new GrpcError(GrpcCode.UNAVAILABLE, `cannot connect to ${target.address}: ${(cause as Error).message}`, {
        cause,
      });
    }
    session.on('error', () => undefined); // a later connection error fails the calls in flight (their 'close'), not the process
    return new GrpcChannel(target, session);
  }

  /**
   * Calls `path` (`/package.Service/Method`) with an encoded request message and resolves to the encoded reply.
   * `timeoutMs` is sent as the call's deadline (`grpc-timeout`) and enforced here too.
   */
  unary(
    path: string,
    request: Uint8Array,
    opts: { timeoutMs: number; metadata?: Record<string, string> },
  ): Promise<Uint8Array> {
    const frame = Buffer.alloc(5 + request.length);
    frame.writeUInt32BE(request.length, 1); // byte 0 stays 0: not compressed
    frame.set(request, 5);
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: GrpcError | undefined, reply?: Uint8Array): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(reply!);
      };
      let stream;
      try {
        stream = this.session.request({
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/grpc',
          te: 'trailers',
          'grpc-timeout': `${Math.max(1, Math.ceil(opts.timeoutMs))}m`,
          ...this.target.metadata,
          ...opts.metadata,
        });
      } catch (cause) {
        settled = true;
        reject(new GrpcError(GrpcCode.UNAVAILABLE, `${path}: ${(cause as Error).message}`, { cause }));
        return;
      }
      const timer = setTimeout(() => {
        stream.close(constants.NGHTTP2_CANCEL);
        finish(new GrpcError(GrpcCode.DEADLINE_EXCEEDED, `${path}: no reply within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      const chunks: Buffer[] = [];
      let httpStatus = 0;
      let grpcStatus: string | undefined;
      let grpcMessage: string | undefined;
      const outcome = (h: IncomingHttpHeaders): void => {
        const s = headerText(h, 'grpc-status');
        if (s === undefined) return;
        grpcStatus = s;
        grpcMessage = headerText(h, 'grpc-message');
      };
      stream.on('response', (h) => {
        httpStatus = Number(h[':status']);
        outcome(h);
      });
      stream.on('trailers', outcome);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) =>
        finish(new GrpcError(GrpcCode.UNAVAILABLE, `${path}: ${err.message}`, { cause: err })),
      );
      stream.on('close', () => {
        if (grpcStatus === undefined) {
          const why = httpStatus ? `HTTP ${httpStatus} without a gRPC status` : 'stream closed without a reply';
          return finish(
            new GrpcError(
              httpStatus && httpStatus !== 200 ? httpToGrpc(httpStatus) : GrpcCode.UNKNOWN,
              `${path}: ${why}`,
            ),
          );
        }
        const code = Number(grpcStatus);
        if (code !== GrpcCode.OK)
          return finish(
            new GrpcError(
              Number.isInteger(code) ? code : GrpcCode.UNKNOWN,
              `${path}: ${decodeMessageHeader(grpcMessage)}`,
            ),
          );
        try {
          finish(undefined, unframe(Buffer.concat(chunks), path));
        } catch (err) {
          finish(err as GrpcError);
        }
      });
      stream.end(frame);
    });
  }

  close(): void {
    this.session.close();
  }
}

/** The one message of a unary reply's body. @throws GrpcError INTERNAL on anything else (compressed, truncated, several). */
export function unframe(body: Buffer, path = 'reply'): Uint8Array {
  if (body.length < 5)
    throw new GrpcError(GrpcCode.INTERNAL, `${path}: reply body of ${body.length} bytes has no message`);
  if (body[0] !== 0)
    throw new GrpcError(GrpcCode.INTERNAL, `${path}: compressed reply (flag ${body[0]}), but none was asked for`);
  const n = body.readUInt32BE(1);
  if (body.length !== 5 + n)
    throw new GrpcError(GrpcCode.INTERNAL, `${path}: reply body of ${body.length} bytes, its frame says ${n} + 5`);
  return body.subarray(5);
}
