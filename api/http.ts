/**
 * Route definitions and the one pipeline every request goes through:
 * authenticate → permission → validate → handler → serialize.
 * A route that declares no permission cannot be mounted (fails closed).
 */
import type { NextFunction, Request, Response, Router } from 'express';
import type { Db } from '../db/connection';
import { type Actor, OutOfScopeError } from '../db/scope';
import type { WorkflowClientLike } from '../temporal-config/types';
import { ApiError, errors, toEnvelope } from './errors';
import type { Logger } from './logger';
import { validate } from './validation';

/** `public`: no login; `authenticated`: any logged-in user; otherwise a permission code. */
export type Permission = 'public' | 'authenticated' | (string & {});

export interface Services {
  db: Db;
  log: Logger;
  /** Starts, signals and queries workflows on either runtime (temporal-config/); absent in API-only tests. */
  workflows?: WorkflowClientLike;
}

export interface RouteContext<B = unknown, Q = Record<string, unknown>> {
  req: Request;
  res: Response;
  services: Services;
  /** null only on `public` routes. */
  actor: Actor;
  body: B;
  query: Q;
  params: Record<string, string>;
}

export interface RouteDef {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  permission: Permission;
  /** JSON Schema of the body (usually a form's schema from forms/). */
  body?: Record<string, unknown>;
  /** JSON Schema of the query string (strings only, as Express parses them). */
  query?: Record<string, unknown>;
  /** Personal data in the response: sent with Cache-Control: no-store. */
  personal?: boolean;
  summary: string;
  // biome-ignore lint/suspicious/noExplicitAny: each route narrows its own body and query types
  handler: (ctx: RouteContext<any, any>) => Promise<unknown>;
}

export function defineRoutes(defs: RouteDef[]): RouteDef[] {
  return defs;
}

/** Resolves the acting user from the request; installed by api/auth. */
export type ActorResolver = (req: Request, res: Response, services: Services) => Promise<Actor | null>;

export function mountRoutes(router: Router, defs: RouteDef[], services: Services, resolveActor: ActorResolver): void {
  for (const def of defs) {
    if (!def.permission) throw new Error(`route ${def.method.toUpperCase()} ${def.path} declares no permission`);
    router[def.method](def.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        let actor: Actor | null = null;
        if (def.permission !== 'public') {
          actor = await resolveActor(req, res, services);
          if (!actor) throw errors.unauthenticated();
          if (def.permission !== 'authenticated' && !actor.permissions.has(def.permission)) throw errors.forbidden();
        }
        const body = def.body ? validate(def.body, req.body ?? {}) : req.body;
        const query = def.query ? validate(def.query, { ...req.query }) : req.query;
        if (def.personal) res.setHeader('Cache-Control', 'no-store');
        const result = await def.handler({
          req,
          res,
          services,
          actor: actor as Actor,
          body,
          query: query as Record<string, unknown>,
          params: req.params as Record<string, string>,
        });
        if (!res.headersSent) {
          if (result === undefined) res.status(204).end();
          else res.json(result);
        }
      } catch (err) {
        next(err);
      }
    });
  }
}

/** The last middleware: every error becomes the JSON envelope; unknown ones are logged, not shown. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let apiErr: ApiError;
    if (err instanceof ApiError) apiErr = err;
    else if (err instanceof OutOfScopeError) apiErr = errors.outOfScope();
    else if (isBodyParserError(err))
      apiErr = err.type === 'entity.too.large' ? errors.tooLarge() : errors.badRequest('请求内容不是有效的 JSON');
    else {
      log.error({ err, url: req.originalUrl }, 'unhandled error');
      apiErr = new ApiError(500, 'INTERNAL', '系统繁忙，请稍后重试；如仍有问题请联系管理员');
    }
    res.status(apiErr.status).json(toEnvelope(apiErr));
  };
}

function isBodyParserError(err: unknown): err is { type: string } {
  return typeof err === 'object' && err !== null && 'type' in err && typeof (err as { type: unknown }).type === 'string' && 'status' in err;
}
