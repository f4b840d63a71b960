/**
 * The API's OpenAPI document must be one integrators can generate clients from. No OpenAPI
 * validator is installed, so this checks the OpenAPI 3.1 rules that matter for that, structurally:
 * the document's shape, every operation (summary, tags, responses with descriptions, declared path
 * parameters), every `$ref` resolving, and every schema being JSON Schema 2020-12 rather than
 * OpenAPI 3.0 (`nullable`, boolean `exclusiveMinimum`).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = { [key: string]: Json };

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PARAMETER_LOCATIONS = ['query', 'header', 'path', 'cookie'];
const JSON_TYPES = ['null', 'boolean', 'object', 'array', 'number', 'string', 'integer'];

export const isObj = (value: Json | undefined): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function resolve(doc: Obj, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: Json | undefined = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObj(node) ? node[key] : undefined;
  }
  return node;
}

/** Every problem with the document, as readable lines (empty: valid). */
export function openApiProblems(doc: Obj): string[] {
  const problems: string[] = [];
  const problem = (where: string, what: string) => problems.push(`${where}: ${what}`);

  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi))
    problem('openapi', 'must be 3.1.x');
  if (!isObj(doc.info) || typeof doc.info.title !== 'string' || typeof doc.info.version !== 'string') {
    problem('info', 'needs a title and a version');
  }
  if (!isObj(doc.paths)) {
    problem('paths', 'missing');
    return problems;
  }

  // Every $ref anywhere must point at something in the document.
  const walk = (node: Json, where: string) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        walk(item, `${where}[${i}]`);
      });
    }
    if (!isObj(node)) return;
    if (typeof node.$ref === 'string' && resolve(doc, node.$ref) === undefined) {
      problem(where, `$ref ${node.$ref} does not resolve`);
    }
    for (const [key, value] of Object.entries(node)) walk(value, `${where}/${key}`);
  };
  walk(doc, '#');

  // JSON Schema 2020-12 in every schema (3.0 idioms are invalid in 3.1).
  const checkSchema = (schema: Json, where: string) => {
    if (Array.isArray(schema)) {
      schema.forEach((s, i) => {
        checkSchema(s, `${where}[${i}]`);
      });
      return;
    }
    if (!isObj(schema)) return;
    if ('nullable' in schema) problem(where, '`nullable` is OpenAPI 3.0; use a type union');
    if (typeof schema.exclusiveMinimum === 'boolean' || typeof schema.exclusiveMaximum === 'boolean') {
      problem(where, 'boolean exclusiveMinimum/Maximum is OpenAPI 3.0');
    }
    const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
    for (const type of types) {
      if (typeof type !== 'string' || !JSON_TYPES.includes(type))
        problem(where, `unknown type ${String(type)}`);
    }
    if (schema.required !== undefined && !Array.isArray(schema.required))
      problem(where, '`required` must be a list');
    for (const key of ['properties', 'patternProperties', '$defs', 'definitions']) {
      const map = schema[key];
      if (isObj(map))
        for (const [name, sub] of Object.entries(map)) checkSchema(sub, `${where}/${key}/${name}`);
    }
    for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains']) {
      if (schema[key] !== undefined) checkSchema(schema[key], `${where}/${key}`);
    }
    for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
      if (schema[key] !== undefined) checkSchema(schema[key], `${where}/${key}`);
    }
  };
  if (isObj(doc.components) && isObj(doc.components.schemas)) {
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      checkSchema(schema, `#/components/schemas/${name}`);
    }
  }

  const schemes =
    isObj(doc.components) && isObj(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const checkSecurity = (security: Json | undefined, where: string) => {
    if (security === undefined) return;
    if (!Array.isArray(security)) return problem(where, 'security must be a list');
    for (const requirement of security) {
      if (!isObj(requirement)) continue;
      for (const name of Object.keys(requirement)) {
        if (!(name in schemes)) problem(where, `unknown security scheme ${name}`);
      }
    }
  };
  checkSecurity(doc.security, 'security');

  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/')) problem(path, 'paths start with /');
    if (!isObj(item)) {
      problem(path, 'not a path item');
      continue;
    }
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const operations = Object.keys(item).filter((k) => METHODS.includes(k));
    if (operations.length === 0) problem(path, 'has no operations');
    for (const method of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      const op = item[method];
      if (!isObj(op)) {
        problem(where, 'not an operation');
        continue;
      }
      if (typeof op.summary !== 'string' || op.summary.trim() === '') problem(where, 'has no summary');
      if (!Array.isArray(op.tags) || op.tags.length === 0) problem(where, 'has no tags');
      if (typeof op.operationId === 'string') {
        if (operationIds.has(op.operationId)) problem(where, `duplicate operationId ${op.operationId}`);
        operationIds.add(op.operationId);
      }
      checkSecurity(op.security, where);

      const parameters = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ]
        .map((p) => (isObj(p) && typeof p.$ref === 'string' ? resolve(doc, p.$ref) : p))
        .filter(isObj);
      const seen = new Set<string>();
      for (const parameter of parameters) {
        const name = String(parameter.name);
        if (typeof parameter.name !== 'string' || !PARAMETER_LOCATIONS.includes(String(parameter.in))) {
          problem(where, `parameter ${name} needs a name and in: query|header|path|cookie`);
        }
        if (seen.has(`${parameter.in}:${name}`)) problem(where, `parameter ${name} declared twice`);
        seen.add(`${parameter.in}:${name}`);
        if (parameter.schema === undefined && parameter.content === undefined) {
          problem(where, `parameter ${name} has neither schema nor content`);
        }
        if (parameter.schema !== undefined) checkSchema(parameter.schema, `${where}: parameter ${name}`);
        if (parameter.in === 'path' && parameter.required !== true)
          problem(where, `path parameter ${name} must be required`);
        if (parameter.in === 'path' && !templated.includes(name))
          problem(where, `path parameter ${name} is not in the path`);
      }
      for (const name of templated) {
        if (!parameters.some((p) => p.in === 'path' && p.name === name))
          problem(where, `{${name}} is not declared`);
      }

      if (op.requestBody !== undefined) {
        const body =
          isObj(op.requestBody) && typeof op.requestBody.$ref === 'string'
            ? resolve(doc, op.requestBody.$ref)
            : op.requestBody;
        if (!isObj(body) || !isObj(body.content) || Object.keys(body.content).length === 0) {
          problem(where, 'requestBody needs content');
        } else {
          for (const [type, media] of Object.entries(body.content)) {
            if (isObj(media)) checkSchema(media.schema ?? null, `${where} body ${type}`);
          }
        }
      }

      if (!isObj(op.responses) || Object.keys(op.responses).length === 0) {
        problem(where, 'has no responses');
        continue;
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(status))
          problem(where, `response key ${status} is not a status code`);
        const resolved =
          isObj(response) && typeof response.$ref === 'string' ? resolve(doc, response.$ref) : response;
        if (!isObj(resolved) || typeof resolved.description !== 'string') {
          problem(where, `response ${status} has no description`);
          continue;
        }
        if (isObj(resolved.content)) {
          for (const [type, media] of Object.entries(resolved.content)) {
            if (isObj(media)) checkSchema(media.schema ?? null, `${where} ${status} ${type}`);
          }
        }
      }
    }
  }
  return problems;
}
