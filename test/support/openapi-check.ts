import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: depending on the loader the plugin is the module or its `default`.
type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

type Operation = {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type Document = { paths: Record<string, Record<string, Operation>> };

/** What the checker needs of an answer: supertest's response has these. */
export type CheckedResponse = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text?: string;
};

type Route = { method: string; template: string; pattern: RegExp; params: number };

/**
 * Checks answers against the OpenAPI document the app serves: the status must be one the operation
 * declares, and a JSON body must satisfy that status's schema (JSON Schema 2020-12, as OpenAPI 3.1 uses).
 */
export class OpenApiChecker {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: Document) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(closed(document), 'openapi');
    this.routes = Object.entries(document.paths)
      .flatMap(([template, item]) =>
        Object.keys(item).map((method) => ({
          method,
          template,
          pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
          params: (template.match(/\{/g) ?? []).length,
        })),
      )
      // A literal segment wins over a parameter (`/members/identify` before `/members/{id}`).
      .sort((a, b) => a.params - b.params);
  }

  /** The operation of the document for this method and URL, or null when none matches. */
  find(method: string, url: string): Route | null {
    const path = new URL(url, 'http://localhost').pathname;
    return this.routes.find((r) => r.method === method.toLowerCase() && r.pattern.test(path)) ?? null;
  }

  /**
   * Null when the answer agrees with the document (or the request is no operation of it: unknown paths
   * answer ROUTE_NOT_FOUND, and non-API paths are not described); otherwise what disagrees.
   */
  check(method: string, url: string, response: CheckedResponse): string | null {
    const route = this.find(method, url);
    if (!route) return null;
    const where = `${method.toUpperCase()} ${new URL(url, 'http://localhost').pathname} (${route.template}) → ${response.status}`;
    const operation = this.document.paths[route.template]?.[route.method];
    const declared = operation?.responses?.[String(response.status)];
    if (!declared) {
      const statuses = Object.keys(operation?.responses ?? {}).join(', ');
      return `${where}: status not in the document (declared: ${statuses}); body ${snippet(response)}`;
    }
    if (!response.headers['x-request-id']) return `${where}: no X-Request-Id header`;
    const hasBody = response.text !== undefined && response.text !== '';
    const schema = declared.content?.['application/json']?.schema;
    const type = String(response.headers['content-type'] ?? '');
    if (!schema) {
      // A non-JSON answer (a CSV export) is declared by its media type.
      const isDeclaredMedia = Object.keys(declared.content ?? {}).some((media) => type.startsWith(media));
      return hasBody && !isDeclaredMedia
        ? `${where}: a body the document does not declare: ${snippet(response)}`
        : null;
    }
    if (!type.startsWith('application/json'))
      return `${where}: expected a JSON body, got "${type}" ${snippet(response)}`;
    const validate = this.validator(route, response.status);
    if (validate(response.body)) return null;
    const errors = (validate.errors ?? [])
      .map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
      .join('; ');
    return `${where}: the body disagrees with the document: ${errors}; body ${snippet(response)}`;
  }

  private validator(route: Route, status: number): ValidateFunction {
    const key = `${route.method} ${route.template} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const pointer = ['paths', route.template, route.method, 'responses', String(status), 'content']
        .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
        .join('/');
      validate = this.ajv.compile({ $ref: `openapi#/${pointer}/application~1json/schema` });
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/**
 * A copy of the document whose object schemas admit no property they do not describe, so that a field the
 * API returns but the document omits fails the check. `unevaluatedProperties` (not `additionalProperties`)
 * sees through `allOf`; the members of an `allOf` (and the components used as one) stay open, since each
 * describes only part of the object.
 */
function closed(document: Document): object {
  const copy = structuredClone(document) as unknown as Record<string, unknown>;
  const parts = new Set<unknown>();
  const refsInAllOf = new Set<string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(collect);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (Array.isArray(record.allOf))
      for (const part of record.allOf as Array<Record<string, unknown>>) {
        parts.add(part);
        if (typeof part.$ref === 'string') refsInAllOf.add(part.$ref);
      }
    Object.values(record).forEach(collect);
  };
  collect(copy);
  const schemas = ((copy.components as Record<string, unknown> | undefined)?.schemas ?? {}) as Record<
    string,
    unknown
  >;
  const open = new Set([...refsInAllOf].map((ref) => schemas[ref.replace('#/components/schemas/', '')]));
  const close = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(close);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const isObjectSchema = record.type === 'object' && record.properties !== undefined;
    if (
      (isObjectSchema || Array.isArray(record.allOf)) &&
      !parts.has(record) &&
      !open.has(record) &&
      record.additionalProperties === undefined
    )
      record.unevaluatedProperties = false;
    Object.values(record).forEach(close);
  };
  close(copy.paths);
  close(copy.components);
  return copy;
}

function snippet(response: CheckedResponse): string {
  const text = response.text ?? JSON.stringify(response.body) ?? '';
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

const checkers = new Map<string, OpenApiChecker>();

/** One checker per distinct document (apps built with other settings may document other routes). */
export function checkerFor(document: Document): OpenApiChecker {
  const key = JSON.stringify(document);
  let checker = checkers.get(key);
  if (!checker) {
    checker = new OpenApiChecker(document);
    checkers.set(key, checker);
  }
  return checker;
}
