import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { parseQueues, workerCommand } from '../../../src/cli/commands/worker.js';

/** No Docker engine or cluster here: the deployment files are validated by parsing and cross-checking them. */
const SETTINGS_ENV = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_UI_URL', 'TEMPORAL_API_KEY'];

function workerArgs(args: string[]): { queues: string; rest: string[] } {
  expect(args[0]).toBe('worker');
  // Every flag is one `hwsweep worker` knows (commander reports the rest as unknown).
  expect({ args, unknown: workerCommand().parseOptions(args.slice(1)).unknown }).toEqual({ args, unknown: [] });
  const i = args.indexOf('--queues');
  return { queues: args[i + 1]!, rest: args };
}

describe('infra/ deployment files', () => {
  it('compose.yaml parses, wires every worker to Postgres and Temporal, and names only real queues', () => {
    const doc = parse(readFileSync('infra/compose.yaml', 'utf8')) as { services: Record<string, { command?: string[]; environment?: Record<string, string> }> };
    const workers = Object.entries(doc.services).filter(([name]) => name.startsWith('worker-'));
    expect(workers.length).toBeGreaterThanOrEqual(2);
    const queues = new Set<string>();
    for (const [, w] of workers) {
      const { queues: q } = workerArgs(w.command!);
      for (const name of parseQueues(q)) queues.add(name);
      expect(w.environment!['DATABASE_URL']).toMatch(/^postgresql:\/\/.+@postgres:5432\//);
      expect(w.environment!['TEMPORAL_ADDRESS']).toBe('temporal:7233');
    }
    expect([...queues].sort()).toEqual(['orchestration', 'sim', 'train']);
  });

  it('Kubernetes manifests parse, and workers together serve every queue with only env vars hwsweep reads', () => {
    const docs = readdirSync('infra/k8s').flatMap((f) => parseAllDocuments(readFileSync(join('infra/k8s', f), 'utf8')).map((d) => d.toJS() as Record<string, any>)); // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form YAML
    for (const d of docs) {
      expect(typeof d['apiVersion']).toBe('string');
      expect(typeof d['kind']).toBe('string');
    }
    const config = docs.find((d) => d['kind'] === 'ConfigMap')!;
    for (const k of Object.keys(config['data'])) expect(SETTINGS_ENV).toContain(k);
    const deployments = docs.filter((d) => d['kind'] === 'Deployment');
    const queues = new Set<string>();
    for (const d of deployments) {
      expect(d['spec'].selector.matchLabels).toEqual(d['spec'].template.metadata.labels);
      const c = d['spec'].template.spec.containers[0];
      for (const q of parseQueues(workerArgs(c.args).queues)) queues.add(q);
      expect(c.envFrom.map((e: Record<string, { name: string }>) => Object.values(e)[0]!.name).sort()).toEqual(['hwsweep-config', 'hwsweep-secrets']);
    }
    expect([...queues].sort()).toEqual(['orchestration', 'sim', 'train']);
    const gpu = deployments.find((d) => d['metadata'].name === 'hwsweep-worker-gpu')!;
    const gpuContainer = gpu['spec'].template.spec.containers[0];
    expect(gpuContainer.resources.limits['nvidia.com/gpu']).toBe(1);
    // One GPU per pod: one training process, on the GPU build's backend (fails fast without a GPU).
    expect(gpuContainer.args.join(' ')).toContain('--train-processes 1 --backend tensorflow-gpu');
  });

  it('the image builds the native backend with `hwsweep setup native`, the GPU variant for GPU workers', () => {
    const dockerfile = readFileSync('infra/Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/^ARG NATIVE=cpu$/m);
    expect(dockerfile).toContain('node bin/hwsweep.js setup native $([ "$NATIVE" = "gpu" ] && echo --gpu)');
    expect(dockerfile).toMatch(/^ENV HWSWEEP_NATIVE_CACHE=/m);
    const compose = parse(readFileSync('infra/compose.yaml', 'utf8')) as { services: Record<string, { build?: { args?: Record<string, string> }; command: string[] }> };
    const gpu = compose.services['worker-gpu']!;
    expect(gpu.build?.args?.['NATIVE']).toBe('gpu');
    expect(gpu.command).toContain('tensorflow-gpu');
  });

  it('parseQueues rejects an unknown queue with the allowed names', () => {
    expect(() => parseQueues('train,gpu')).toThrow('--queues: unknown queue "gpu"');
  });
});
