import { GrpcChannel, GrpcCode, GrpcError, type GrpcTarget } from './grpc/unary.js';
import {
  bytesFields,
  decodeMessage,
  encodeMessage,
  messageField,
  stringField,
  utf8Text,
  varintField,
} from './grpc/wire.js';
import type { TemporalConnectionOptions } from './settings.js';

/**
 * The three Temporal calls `hwsweep status` makes (health check, a workflow's status, a workflow query), over
 * ./grpc instead of @temporalio/client, whose import alone takes ~0.5 s here. Same server, same TLS / mTLS / API
 * key settings (`temporalConnectionOptions`), same answers: statuses are named as @temporalio/client names them
 * and query results decoded as its default (JSON) payload converter does. Anything that sends commands to Temporal
 * (start, signal, cancel) uses the real client.
 *
 * Messages (field numbers from temporal/api and grpc/health, pinned against @temporalio/proto in
 * test/unit/cli/temporal-rpc.test.ts): `grpc.health.v1.Health/Check`, `WorkflowService/DescribeWorkflowExecution`,
 * `WorkflowService/QueryWorkflow`.
 */

const WORKFLOW_SERVICE = '/temporal.api.workflowservice.v1.WorkflowService';

/** Temporal's default port, added to an address without one (as @temporalio/client does). */
const DEFAULT_PORT = 7233;

/**
 * `WorkflowExecutionStatus` enum values (temporal/api/enums/v1/workflow.proto) by the names @temporalio/client's
 * `describe().status.name` gives them (`CANCELED` is spelled `CANCELLED` there).
 */
export const WORKFLOW_STATUS_NAMES: readonly string[] = [
  'UNSPECIFIED',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TERMINATED',
  'CONTINUED_AS_NEW',
  'TIMED_OUT',
  'PAUSED',
];

/** `QueryRejectCondition.NONE`: answer whatever the workflow's state (the client's default). */
const QUERY_REJECT_NONE = 1;

/** The gRPC target for Temporal connection options: TLS material as PEM, an API key as a bearer token. */
export function grpcTarget(opts: TemporalConnectionOptions): GrpcTarget {
  const address = /:\d+$/.test(opts.address) ? opts.address : `${opts.address}:${DEFAULT_PORT}`;
  const tls = opts.tls;
  const buf = (b: Uint8Array | undefined) => (b ? Buffer.from(b) : undefined);
  return {
    address,
    ...(tls
      ? {
          tls: {
            ca: buf(tls.serverRootCACertificate),
            cert: buf(tls.clientCertPair?.crt),
            key: buf(tls.clientCertPair?.key),
            serverName: tls.serverNameOverride,
          },
        }
      : {}),
    ...(opts.apiKey ? { metadata: { authorization: `Bearer ${opts.apiKey}` } } : {}),
  };
}

function execution(workflowId: string): Uint8Array {
  return encodeMessage([[1, workflowId]]); // WorkflowExecution { workflow_id = 1 } (no run id: the latest run)
}

/** Encoded `DescribeWorkflowExecutionRequest { namespace = 1, execution = 2 }`. */
export function describeRequest(namespace: string, workflowId: string): Uint8Array {
  return encodeMessage([
    [1, namespace],
    [2, execution(workflowId)],
  ]);
}

/** The status name from an encoded `DescribeWorkflowExecutionResponse` (`workflow_execution_info` = 2, its `status` = 5). */
export function statusFromDescribe(reply: Uint8Array): string {
  const code = varintField(messageField(decodeMessage(reply), 2), 5);
  return WORKFLOW_STATUS_NAMES[code] ?? 'UNKNOWN';
}

/** Encoded `QueryWorkflowRequest { namespace = 1, execution = 2, query = 3 { query_type = 1 }, query_reject_condition = 4 }`. */
export function queryRequest(namespace: string, workflowId: string, queryType: string): Uint8Array {
  return encodeMessage([
    [1, namespace],
    [2, execution(workflowId)],
    [3, encodeMessage([[1, queryType]])],
    [4, QUERY_REJECT_NONE],
  ]);
}

/**
 * The value of an encoded `QueryWorkflowResponse` (`query_result` = 1: Payloads), decoded as the default payload
 * converter does: `json/plain` -> the parsed JSON, `binary/null` or no payload -> undefined.
 * @throws Error for a rejected query or a payload in another encoding (binary, protobuf, encrypted…).
 */
export function valueFromQuery(reply: Uint8Array): unknown {
  const res = decodeMessage(reply);
  if (res.has(2))
    throw new Error(
      `query rejected (workflow status ${WORKFLOW_STATUS_NAMES[varintField(messageField(res, 2), 1)] ?? 'UNKNOWN'})`,
    );
  const payload = bytesFields(messageField(res, 1), 1)[0]; // Payloads { repeated Payload payloads = 1 }: the first one
  if (!payload) return undefined;
  const p = decodeMessage(payload); // Payload { map<string, bytes> metadata = 1; bytes data = 2 }
  let encoding = '';
  for (const entry of bytesFields(p, 1)) {
    const e = decodeMessage(entry); // map entry { key = 1; value = 2 }
    if (stringField(e, 1) === 'encoding') encoding = utf8Text(bytesFields(e, 2).at(-1) ?? new Uint8Array());
  }
  if (encoding === 'binary/null') return undefined;
  if (encoding !== 'json/plain')
    throw new Error(`query result in payload encoding "${encoding}", only json/plain is read here`);
  return JSON.parse(utf8Text(bytesFields(p, 2).at(-1) ?? new Uint8Array()));
}

/** A connection for {@link temporalHealthCheck}-style calls. Close it when done. */
export class TemporalRpc {
  private readonly channel: GrpcChannel;

  private constructor(channel: GrpcChannel) {
    this.channel = channel;
  }

  /** @throws GrpcError UNAVAILABLE when Temporal cannot be reached within `timeoutMs`. */
  static async open(opts: TemporalConnectionOptions, timeoutMs: number): Promise<TemporalRpc> {
    return new TemporalRpc(await GrpcChannel.open(grpcTarget(opts), timeoutMs));
  }

  /** True when the server's health service answers SERVING (`HealthCheckResponse.status` = 1). */
  async serving(timeoutMs: number): Promise<boolean> {
    const reply = await this.channel.unary('/grpc.health.v1.Health/Check', new Uint8Array(), { timeoutMs });
    return varintField(decodeMessage(reply), 1) === 1;
  }

  /** The workflow's status name (latest run), or undefined when Temporal has no workflow with this id. */
  async workflowStatus(namespace: string, workflowId: string, timeoutMs: number): Promise<string | undefined> {
    try {
      return statusFromDescribe(
        await this.workflowCall(
          'DescribeWorkflowExecution',
          namespace,
          describeRequest(namespace, workflowId),
          timeoutMs,
        ),
      );
    } catch (err) {
      if (err instanceof GrpcError && err.code === GrpcCode.NOT_FOUND) return undefined;
      throw err;
    }
  }

  /** Runs a query (no arguments) on the workflow's latest run; see {@link valueFromQuery}. */
  async query(namespace: string, workflowId: string, queryType: string, timeoutMs: number): Promise<unknown> {
    return valueFromQuery(
      await this.workflowCall('QueryWorkflow', namespace, queryRequest(namespace, workflowId, queryType), timeoutMs),
    );
  }

  close(): void {
    this.channel.close();
  }

  private async workflowCall(
    method: string,
    namespace: string,
    request: Uint8Array,
    timeoutMs: number,
  ): Promise<Uint8Array> {
    // Namespace-routed deployments (Temporal Cloud) read it from this header, as @temporalio/client sends it.
    return await this.channel.unary(`${WORKFLOW_SERVICE}/${method}`, request, {
      timeoutMs,
      metadata: { 'temporal-namespace': namespace },
    });
  }
}

/** Whether Temporal answers its health check with SERVING within `timeoutMs` (connecting included). */
export async function temporalHealthCheck(opts: TemporalConnectionOptions, timeoutMs = 3000): Promise<boolean> {
  const t0 = performance.now();
  let rpc: TemporalRpc | undefined;
  try {
    rpc = await TemporalRpc.open(opts, timeoutMs);
    return await rpc.serving(Math.max(1, timeoutMs - (performance.now() - t0)));
  } catch {
    return false;
  } finally {
    rpc?.close();
  }
}
