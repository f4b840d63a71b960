import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { isObj, METHODS, type Obj, openApiProblems } from './openapi-check.ts';

describe('the OpenAPI document', () => {
  let server: TestServer;
  let doc: Obj;

  beforeAll(async () => {
    server = await startTestServer({ seed: 'none' });
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    doc = await json<Obj>(response);
  });
  afterAll(async () => server?.close());

  it('is a valid OpenAPI 3.1 document', () => {
    expect(openApiProblems(doc)).toEqual([]);
  });

  it('documents what every operation answers on success (a warning: OpenAPI only recommends it)', () => {
    const undocumented = Object.entries(doc.paths as Obj).flatMap(([path, item]) =>
      Object.entries(item as Obj)
        .filter(([method, op]) => METHODS.includes(method) && isObj(op) && isObj(op.responses))
        .filter(
          ([, op]) => !Object.keys((op as Obj).responses as Obj).some((status) => status.startsWith('2')),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    if (undocumented.length > 0)
      console.warn(`No success response documented for: ${undocumented.join(', ')}`);
    expect(
      undocumented.filter((route) =>
        /\/(notifications|notification-settings|webhooks|exports)\b/.test(route),
      ),
    ).toEqual([]);
  });

  it('describes the integration API of this issue', () => {
    const paths = doc.paths as Obj;
    for (const [path, method] of [
      ['/api/v1/notifications', 'get'],
      ['/api/v1/notifications/{id}/read', 'post'],
      ['/api/v1/notification-settings', 'put'],
      ['/api/v1/webhooks', 'post'],
      ['/api/v1/webhooks/{id}/deliveries', 'get'],
      ['/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', 'post'],
      ['/api/v1/exports/sales-journal', 'get'],
      ['/api/v1/exports/purchase-journal', 'get'],
    ] as const) {
      expect(isObj(paths[path]) && isObj((paths[path] as Obj)[method]), `${method} ${path}`).toBe(true);
    }
    const journal = ((paths['/api/v1/exports/purchase-journal'] as Obj).get as Obj).responses as Obj;
    expect(Object.keys(((journal['200'] as Obj).content as Obj) ?? {})).toEqual([
      'application/json',
      'text/csv',
    ]);
  });

  it('finds the problems it is meant to find', () => {
    const broken: Obj = {
      openapi: '3.0.3',
      info: { title: 'x', version: '1' },
      paths: {
        '/things/{id}': {
          get: {
            responses: {
              200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } } },
            },
          },
          post: {
            summary: 'Create',
            tags: ['things'],
            parameters: [{ name: 'id', in: 'path', schema: { type: 'string', nullable: true } }],
            responses: { '201': { description: 'Created' } },
          },
        },
      },
    };
    expect(openApiProblems(broken)).toEqual([
      'openapi: must be 3.1.x',
      '#/paths//things/{id}/get/responses/200/content/application/json/schema: $ref #/components/schemas/Nope does not resolve',
      'GET /things/{id}: has no summary',
      'GET /things/{id}: has no tags',
      'GET /things/{id}: {id} is not declared',
      'GET /things/{id}: response 200 has no description',
      'POST /things/{id}: parameter id: `nullable` is OpenAPI 3.0; use a type union',
      'POST /things/{id}: path parameter id must be required',
    ]);
  });
});
