import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// batch/v1 Job with the Kubernetes OpenAPI definitions compiled into an ajv validator (kubernetes-models).
import { Job } from 'kubernetes-models/batch/v1';
import { buildPlan } from './build';
import { k8sManifests, k8sName, writeK8s } from './k8s';

const dir = mkdtempSync(join(tmpdir(), 'floatjs-k8s-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const planFile = join(dir, 'plan.json');
const plan = buildPlan('fmnist-compare', { out: join(dir, 'runs'), planFile, epochs: 1, limit: 400, evalShards: 2, launcher: ['node', 'float.js'] });

type AjvError = { instancePath: string; keyword: string; params: unknown };
/** ajv's errors for a manifest, one line each (none: it passes the schema). */
function schemaErrors(m: Record<string, unknown>): string[] {
  try {
    new Job(m).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: AjvError[] }).errors;
    if (!errors) throw e;
    return errors.map((x) => `${x.instancePath} ${x.keyword} ${JSON.stringify(x.params)}`);
  }
}

describe('--executor k8s', () => {
  it('writes one Indexed Job per stage that passes the Kubernetes batch/v1 Job schema', () => {
    const r = writeK8s(plan, planFile, { image: 'ghcr.io/example/floatjs:0.1.0', volumeClaim: 'float-work', gpus: 1, namespace: 'research' });
    expect(r.files).toEqual(['1-train.json', '2-eval.json', '3-merge.json', '4-report.json', 'apply.sh']);
    expect(readdirSync(r.dir).sort()).toEqual([...r.files].sort());
    for (const f of r.files.filter((x) => x.endsWith('.json'))) {
      const m = JSON.parse(readFileSync(join(r.dir, f), 'utf8'));
      expect(schemaErrors(m), f).toEqual([]);
      expect(m).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { namespace: 'research' }, spec: { completionMode: 'Indexed' } });
    }
    const apply = readFileSync(join(r.dir, 'apply.sh'), 'utf8');
    expect(apply).toMatch(/kubectl -n research apply -f 1-train\.json\nkubectl -n research wait --for=condition=complete --timeout=168h job\/float-fmnist-compare-train\n/);
  });

  it('maps JOB_COMPLETION_INDEX to the stage\'s jobs in order: completions = the array\'s size', () => {
    const ms = k8sManifests(plan, planFile, {});
    const evalJob = ms.find((m) => m.stage === 'eval')!.manifest as { spec: { completions: number; parallelism: number; template: { spec: { containers: Array<{ command: string[]; workingDir: string }> } } } };
    const evalIds = plan.jobs.filter((j) => j.stage === 'eval').map((j) => j.id);
    expect(evalJob.spec.completions).toBe(evalIds.length);
    expect(evalJob.spec.parallelism).toBe(evalIds.length);
    const [shell, flag, script] = evalJob.spec.template.spec.containers[0].command;
    expect([shell, flag]).toEqual(['bash', '-c']);
    expect(script).toBe(`ids=(${evalIds.map((id) => `'${id}'`).join(' ')}); exec float plan exec '/work/plan.json' "\${ids[$JOB_COMPLETION_INDEX]}"`);
    expect(evalJob.spec.template.spec.containers[0].workingDir).toBe('/work');
  });

  it('the validator does reject what Kubernetes rejects (so a pass means something)', () => {
    const m = JSON.parse(JSON.stringify(k8sManifests(plan, planFile, {})[0].manifest));
    m.spec.completionMode = 'Sequential';
    m.spec.completions = '6';
    delete m.spec.template;
    const errors = schemaErrors(m);
    expect(errors.some((e) => e.startsWith('/spec/completionMode enum'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/spec/completions type'))).toBe(true);
    expect(errors.some((e) => e.includes('"missingProperty":"template"'))).toBe(true);
  });

  it('makes names Kubernetes accepts', () => {
    expect(k8sName('float-My_Experiment.v2-train')).toBe('float-my-experiment-v2-train');
    expect(k8sName('x'.repeat(80))).toHaveLength(63);
  });
});
