import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// `.openapi('Name')` names a schema in the OpenAPI document (a component the generator references). Every
// contract imports zod from here, so the method exists before any schema is built.
extendZodWithOpenApi(z);

export { z };
