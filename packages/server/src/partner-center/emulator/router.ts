/**
 * Minimal method + path router. Static segments match case-insensitively because Partner Center
 * paths do (`azureEntitlements`, `/lineitems/OneTime/BillingLineItems`); parameters keep their case.
 */
import type { Reply, RequestContext } from './http.ts';

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: string;
  segments: { literal: string | null; param: string | null }[];
  handler: Handler;
  mutating: boolean;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  pattern: string;
  mutating: boolean;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, opts: { mutating?: boolean } = {}): void {
    const segments = splitPath(pattern).map((seg) =>
      seg.startsWith(':')
        ? { literal: null, param: seg.slice(1) }
        : { literal: seg.toLowerCase(), param: null },
    );
    const m = method.toUpperCase();
    this.routes.push({
      method: m,
      pattern,
      segments,
      handler,
      mutating: opts.mutating ?? (m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE'),
    });
  }

  get(pattern: string, handler: Handler): void {
    this.add('GET', pattern, handler);
  }
  post(pattern: string, handler: Handler, opts?: { mutating?: boolean }): void {
    this.add('POST', pattern, handler, opts);
  }
  put(pattern: string, handler: Handler): void {
    this.add('PUT', pattern, handler);
  }
  patch(pattern: string, handler: Handler): void {
    this.add('PATCH', pattern, handler);
  }
  delete(pattern: string, handler: Handler): void {
    this.add('DELETE', pattern, handler);
  }
  head(pattern: string, handler: Handler): void {
    this.add('HEAD', pattern, handler, { mutating: false });
  }

  /** Returns the match, or the list of allowed methods when only the method is wrong. */
  match(method: string, path: string): RouteMatch | { allowed: string[] } | undefined {
    const parts = splitPath(path);
    const allowed: string[] = [];
    let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let okMatch = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i]!;
        const part = parts[i]!;
        if (seg.literal !== null) {
          if (seg.literal !== part.toLowerCase()) {
            okMatch = false;
            break;
          }
          literals++;
        } else {
          params[seg.param as string] = decodeURIComponent(part);
        }
      }
      if (!okMatch) continue;
      const methodOk = route.method === method || (method === 'HEAD' && route.method === 'GET');
      if (!methodOk) {
        allowed.push(route.method);
        continue;
      }
      // Literal segments win over parameters (`/customers/relationshiprequests` vs `/customers/:id`).
      if (!best || literals > best.literals || (route.method === method && best.route.method !== method)) {
        best = { route, params, literals };
      }
    }
    if (best) {
      return {
        handler: best.route.handler,
        params: best.params,
        pattern: best.route.pattern,
        mutating: best.route.mutating,
      };
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}
