/** A small HTTP client for API tests: real requests over loopback, cookie session or API key. */
export interface Caller {
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  patch(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  put(path: string, body?: unknown): Promise<Response>;
  delete(path: string): Promise<Response>;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

function caller(baseUrl: string, authHeaders: Record<string, string>): Caller {
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...authHeaders,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    request,
    get: (path) => request('GET', path),
    post: (path, body, headers) => request('POST', path, body ?? {}, headers),
    patch: (path, body, headers) => request('PATCH', path, body ?? {}, headers),
    put: (path, body) => request('PUT', path, body ?? {}),
    delete: (path) => request('DELETE', path),
  };
}

export async function loginAs(
  baseUrl: string,
  email: string,
  password = 'demo',
): Promise<Caller & { csrfToken: string; cookie: string }> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200)
    throw new Error(`login as ${email} failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { csrfToken: string };
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  return {
    ...caller(baseUrl, { cookie, 'x-csrf-token': body.csrfToken }),
    csrfToken: body.csrfToken,
    cookie,
  };
}

export const withApiKey = (baseUrl: string, key: string): Caller =>
  caller(baseUrl, { authorization: `Bearer ${key}` });

export const anonymous = (baseUrl: string): Caller => caller(baseUrl, {});

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
