import { OpenAPIRegistry, OpenApiGeneratorV3, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// The generator reads metadata through `.openapi()`, which this adds to every zod schema (the contracts'
// schemas included: they share this zod instance).
extendZodWithOpenApi(z);

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A staff or member access token from /auth, or an API key (rgl_...)',
  });
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
  });
  return registry;
}

/** The OpenAPI 3 document, generated from the same zod schemas that validate requests. */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV3['generateDocument']>;

export function generateOpenApiDocument(registry: OpenAPIRegistry, serverUrl: string): OpenApiDocument {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Regulars API',
      version: '1.0.0',
      description: [
        'Loyalty and rewards engine. All amounts are integers in minor units (cents); points are integers.',
        'Errors: `{ "error": { "code", "message", "details"? } }`.',
        'Lists: `?limit=50&cursor=<opaque>` → `{ items, nextCursor }` (null on the last page).',
        'Mutating integration calls take an `Idempotency-Key` header: the same key and body replay the first answer.',
      ].join('\n\n'),
    },
    servers: [{ url: serverUrl }],
  });
}
