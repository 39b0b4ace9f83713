import { createRequire } from 'node:module';
import { defaultPayloadConverter } from '@temporalio/common';
import { grpc, temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { GrpcCode, GrpcError, unframe } from '../../../src/services/grpc/unary.js';
import {
  decodeMessage,
  encodeMessage,
  messageField,
  stringField,
  varintField,
} from '../../../src/services/grpc/wire.js';
import {
  WORKFLOW_STATUS_NAMES,
  describeRequest,
  grpcTarget,
  queryRequest,
  statusFromDescribe,
  valueFromQuery,
} from '../../../src/services/temporal-rpc.js';

/**
 * The light gRPC client of `hwsweep status` against an independent reference: @temporalio/proto's generated
 * encoders and decoders (what @temporalio/client sends and reads) and the SDK's own status names and payload
 * converter. The calls themselves run against the real Temporal server in test/integration/status.test.ts.
 */

const wfs = temporal.api.workflowservice.v1;
const Status = temporal.api.enums.v1.WorkflowExecutionStatus;

// What @temporalio/client's `describe()` makes of a reply (its internal module: `describe().status.name` comes from it).
const { executionInfoFromRaw } = createRequire(import.meta.url)('@temporalio/client/lib/helpers.js') as {
  executionInfoFromRaw(
    raw: unknown,
    dataConverter: unknown,
    rawDataToEmbed: unknown,
    namespace: string,
  ): Promise<{ status: { name: string } }>;
};
const clientStatusName = async (reply: Uint8Array) => {
  const info = wfs.DescribeWorkflowExecutionResponse.decode(reply).workflowExecutionInfo;
  return (
    await executionInfoFromRaw(
      info,
      { payloadConverter: defaultPayloadConverter, payloadCodecs: [] },
      undefined,
      'default',
    )
  ).status.name;
};

describe('protobuf wire format', () => {
  it('varints of every length round-trip through protobufjs (1 to 8 bytes, up to 2^53 - 1)', () => {
    // HealthCheckResponse.status is a varint field 1: encode ours, read it with the generated decoder's reader.
    for (const v of [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1]) {
      const bytes = encodeMessage([[6, v]]); // WorkflowExecutionInfo.history_length = 6 (int64)
      const info = temporal.api.workflow.v1.WorkflowExecutionInfo.decode(bytes);
      expect(String(info.historyLength), `value ${v}`).toBe(String(v));
      const back = temporal.api.workflow.v1.WorkflowExecutionInfo.encode(
        temporal.api.workflow.v1.WorkflowExecutionInfo.fromObject({ historyLength: v }),
      ).finish();
      expect(varintField(decodeMessage(back), 6)).toBe(v);
    }
  });

  it('strings are UTF-8 and nested messages length-delimited, as the generated encoder writes them', () => {
    const ours = encodeMessage([
      [1, 'namespace-ü✓'],
      [2, encodeMessage([[1, 'sweep/é']])],
    ]);
    const ref = wfs.DescribeWorkflowExecutionRequest.encode({
      namespace: 'namespace-ü✓',
      execution: { workflowId: 'sweep/é' },
    }).finish();
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(ref).toString('hex'));
  });

  it('a message field seen twice is merged (the spec: later fields win, sub-messages merge)', () => {
    const a = encodeMessage([[1, 'first']]);
    const b = encodeMessage([[2, 'run']]);
    const m = decodeMessage(
      encodeMessage([
        [2, a],
        [2, b],
        [1, 'ns-1'],
        [1, 'ns-2'],
      ]),
    );
    const execution = messageField(m, 2);
    expect([stringField(execution, 1), stringField(execution, 2), stringField(m, 1)]).toEqual(['first', 'run', 'ns-2']);
  });

  it('truncated input and unknown wire types are errors, never a silently short message', () => {
    const ok = wfs.DescribeWorkflowExecutionRequest.encode({
      namespace: 'default',
      execution: { workflowId: 'w' },
    }).finish();
    expect(() => decodeMessage(ok.subarray(0, ok.length - 1))).toThrow(/runs past the end/);
    expect(() => decodeMessage(Uint8Array.from([0x08, 0x80]))).toThrow(/truncated varint/);
    expect(() => decodeMessage(Uint8Array.from([0x0b]))).toThrow(/wire type 3/);
    expect(() => encodeMessage([[1, -1]])).toThrow(/safe integer >= 0/);
  });
});

describe('Temporal messages of hwsweep status', () => {
  it('DescribeWorkflowExecutionRequest and QueryWorkflowRequest decode with the generated decoders to what the client sends', () => {
    const d = wfs.DescribeWorkflowExecutionRequest.decode(describeRequest('default', 'sweep/demo-1'));
    expect(d.toJSON()).toEqual({ namespace: 'default', execution: { workflowId: 'sweep/demo-1' } });
    const q = wfs.QueryWorkflowRequest.decode(queryRequest('ns', 'sweep/demo-1', 'progress'));
    expect(q.toJSON()).toEqual({
      namespace: 'ns',
      execution: { workflowId: 'sweep/demo-1' },
      query: { queryType: 'progress' },
      queryRejectCondition: 'QUERY_REJECT_CONDITION_NONE', // @temporalio/client's default
    });
  });

  it('the status of a full DescribeWorkflowExecutionResponse is named as @temporalio/client names it, for every enum value', async () => {
    const values = Object.values(Status).filter((v): v is number => typeof v === 'number');
    expect(values.length).toBe(WORKFLOW_STATUS_NAMES.length);
    for (const code of values) {
      // Fields around the status (timestamps, strings, repeated messages) must be skipped, not misread.
      const reply = wfs.DescribeWorkflowExecutionResponse.encode(
        wfs.DescribeWorkflowExecutionResponse.fromObject({
          executionConfig: { taskQueue: { name: 'hwsweep' } },
          workflowExecutionInfo: {
            execution: { workflowId: 'sweep/x', runId: 'r-1' },
            type: { name: 'sweepWorkflow' },
            startTime: { seconds: 1_764_000_000, nanos: 5 },
            status: code,
            historyLength: 1234,
            taskQueue: 'hwsweep',
            memo: { fields: { note: defaultPayloadConverter.toPayload({ x: 1 }) } },
          },
          pendingActivities: [{ activityId: 'a1', attempt: 3 }],
        }),
      ).finish();
      expect(statusFromDescribe(reply), `code ${code}`).toBe(await clientStatusName(reply));
    }
  });

  it('a query answer is decoded as the default payload converter encodes it (JSON, null), and a rejection or other encoding throws', () => {
    const progress = {
      sweepId: 's',
      total: 12,
      running: 2,
      paused: true,
      cancelling: false,
      maxParallel: 2,
      name: 'ü ✓ "q"',
      ratio: 0.1 + 0.2,
    };
    const answer = (value: unknown) =>
      wfs.QueryWorkflowResponse.encode({
        queryResult: { payloads: [defaultPayloadConverter.toPayload(value)] },
      }).finish();
    expect(valueFromQuery(answer(progress))).toEqual(progress);
    expect(valueFromQuery(answer(null))).toBeNull();
    expect(valueFromQuery(answer(undefined))).toBeUndefined(); // binary/null
    expect(valueFromQuery(wfs.QueryWorkflowResponse.encode({}).finish())).toBeUndefined();
    expect(() => valueFromQuery(answer(new Uint8Array([1, 2])))).toThrow(/payload encoding "binary\/plain"/);
    const rejected = wfs.QueryWorkflowResponse.encode({
      queryRejected: { status: Status.WORKFLOW_EXECUTION_STATUS_TERMINATED },
    }).finish();
    expect(() => valueFromQuery(rejected)).toThrow('query rejected (workflow status TERMINATED)');
  });

  it('the health check answer SERVING is status 1 of grpc.health.v1.HealthCheckResponse', () => {
    const serving = grpc.health.v1.HealthCheckResponse.encode({
      status: grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING,
    }).finish();
    expect(varintField(decodeMessage(serving), 1)).toBe(1);
    const notServing = grpc.health.v1.HealthCheckResponse.encode({
      status: grpc.health.v1.HealthCheckResponse.ServingStatus.NOT_SERVING,
    }).finish();
    expect(varintField(decodeMessage(notServing), 1)).toBe(2);
  });
});

describe('gRPC framing and targets', () => {
  it('a unary reply is one uncompressed length-prefixed message; anything else is INTERNAL', () => {
    const msg = Buffer.from([8, 1]);
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, 2]), msg]);
    expect(Buffer.from(unframe(frame))).toEqual(msg);
    const internal = (b: Buffer) => {
      try {
        unframe(b);
      } catch (err) {
        return err instanceof GrpcError && err.code === GrpcCode.INTERNAL ? err.message : `other error: ${String(err)}`;
      }
      return 'no error';
    };
    expect(internal(Buffer.from([0, 0, 0]))).toMatch(/has no message/);
    expect(internal(Buffer.concat([Buffer.from([1, 0, 0, 0, 2]), msg]))).toMatch(/compressed reply/);
    expect(internal(Buffer.concat([frame, frame]))).toMatch(/frame says 2 \+ 5/);
  });

  it('connection options map to the target: default port, TLS material, API key as a bearer token', () => {
    expect(grpcTarget({ address: '127.0.0.1:7233' })).toEqual({ address: '127.0.0.1:7233' });
    expect(grpcTarget({ address: 'temporal.internal' }).address).toBe('temporal.internal:7233');
    expect(grpcTarget({ address: '[::1]' }).address).toBe('[::1]:7233');
    const t = grpcTarget({
      address: 'ns.tmprl.cloud:7233',
      tls: {
        serverRootCACertificate: Buffer.from('CA'),
        clientCertPair: { crt: Buffer.from('CRT'), key: Buffer.from('KEY') },
        serverNameOverride: 'sni',
      },
      apiKey: 'k-1',
    });
    expect(t.tls).toEqual({
      ca: Buffer.from('CA'),
      cert: Buffer.from('CRT'),
      key: Buffer.from('KEY'),
      serverName: 'sni',
    });
    expect(t.metadata).toEqual({ authorization: 'Bearer k-1' });
    expect(grpcTarget({ address: 'h:1', tls: {} }).tls).toEqual({
      ca: undefined,
      cert: undefined,
      key: undefined,
      serverName: undefined,
    });
  });
});
