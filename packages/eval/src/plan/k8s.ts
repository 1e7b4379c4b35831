import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { STAGES, type Plan } from './types';

export interface K8sOptions {
  /** Where the manifests go (default `<out>/k8s`). */
  dir?: string;
  /** Container image with `float` on its PATH (@floatjs/eval installed). */
  image?: string;
  namespace?: string;
  /** A PersistentVolumeClaim holding the plan's directory (datasets, runs), mounted at `mountPath`. */
  volumeClaim?: string;
  /** Where the plan's directory is inside the container (default /work). */
  mountPath?: string;
  /** GPUs per pod (`nvidia.com/gpu`). */
  gpus?: number;
  /** Pods of one Job at once (default: all of its completions). */
  parallelism?: number;
}

/** A name Kubernetes accepts (DNS-1123 label, at most 63 characters). */
export const k8sName = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'float';

/**
 * One Indexed Job per stage (batch/v1, completionMode Indexed, completions = the stage's jobs): pod k runs
 * `float plan exec PLAN <id k>`, k being JOB_COMPLETION_INDEX. Kubernetes has no dependencies between Jobs, so
 * apply.sh applies the stages in order and waits for each to complete; `plan exec` skips finished jobs, so
 * re-applying a stage (after deleting its Job) redoes only what is unfinished.
 */
export function k8sManifests(plan: Plan, planFile: string, o: K8sOptions = {}): Array<{ stage: string; file: string; manifest: Record<string, unknown> }> {
  const mount = o.mountPath ?? '/work';
  const planInPod = `${mount}/${basename(planFile)}`;
  const out: Array<{ stage: string; file: string; manifest: Record<string, unknown> }> = [];
  for (const stage of STAGES) {
    const jobs = plan.jobs.filter((j) => j.stage === stage);
    if (!jobs.length) continue;
    const name = k8sName(`float-${plan.experiment}-${stage}`);
    const ids = jobs.map((j) => `'${j.id.replaceAll("'", "'\\''")}'`).join(' ');
    const script = `ids=(${ids}); exec float plan exec '${planInPod}' "\${ids[$JOB_COMPLETION_INDEX]}"`;
    const container: Record<string, unknown> = {
      name: 'float',
      image: o.image ?? 'floatjs:latest',
      command: ['bash', '-c', script],
      workingDir: mount,
      ...(o.gpus ? { resources: { limits: { 'nvidia.com/gpu': o.gpus } } } : {}),
      ...(o.volumeClaim ? { volumeMounts: [{ name: 'work', mountPath: mount }] } : {}),
    };
    const manifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, ...(o.namespace ? { namespace: o.namespace } : {}), labels: { 'app.kubernetes.io/name': 'floatjs', 'floatjs/experiment': k8sName(plan.experiment), 'floatjs/stage': stage } },
      spec: {
        completionMode: 'Indexed',
        completions: jobs.length,
        parallelism: Math.min(o.parallelism ?? jobs.length, jobs.length),
        // Retry a failed index a little, but let the other indexes finish.
        backoffLimitPerIndex: 2,
        template: {
          metadata: { labels: { 'floatjs/stage': stage } },
          spec: {
            restartPolicy: 'Never',
            containers: [container],
            ...(o.volumeClaim ? { volumes: [{ name: 'work', persistentVolumeClaim: { claimName: o.volumeClaim } }] } : {}),
          },
        },
      },
    };
    out.push({ stage, file: `${STAGES.indexOf(stage) + 1}-${stage}.json`, manifest });
  }
  return out;
}

/** Writes the manifests (one JSON file per stage; kubectl applies JSON as it applies YAML) and apply.sh. */
export function writeK8s(plan: Plan, planFile: string, o: K8sOptions = {}): { dir: string; files: string[] } {
  const dir = o.dir ?? join(resolve(dirname(resolve(planFile)), plan.out), 'k8s');
  mkdirSync(dir, { recursive: true });
  const ms = k8sManifests(plan, planFile, o);
  for (const m of ms) writeFileSync(join(dir, m.file), `${JSON.stringify(m.manifest, null, 2)}\n`);
  const ns = o.namespace ? ` -n ${o.namespace}` : '';
  const lines = ['#!/bin/sh', '# Applies the stages in order, each after the previous one completed (Kubernetes Jobs have no dependencies).', 'set -eu', 'cd "$(dirname "$0")"'];
  for (const m of ms) {
    const name = (m.manifest.metadata as { name: string }).name;
    lines.push(`kubectl${ns} apply -f ${m.file}`, `kubectl${ns} wait --for=condition=complete --timeout=168h job/${name}`);
  }
  writeFileSync(join(dir, 'apply.sh'), `${lines.join('\n')}\n`, { mode: 0o755 });
  return { dir, files: [...ms.map((m) => m.file), 'apply.sh'] };
}
