/** The Express app: JSON body, routes under /api, the built web app, one error envelope. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import { errors, toEnvelope } from './errors';
import { type ActorResolver, errorHandler, mountRoutes, type RouteDef, type Services } from './http';
import { allRoutes } from './routes';

const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

export interface AppOptions {
  resolveActor: ActorResolver;
  routes?: RouteDef[];
  /** While false, /api/health answers 503 (the demo city is still being generated). */
  isReady?: () => boolean;
}

export function createApp(services: Services, opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: '5mb' }));
  app.use(cookieParser());
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });

  const api = express.Router();
  api.use((_req, res, next) => {
    if (opts.isReady && !opts.isReady()) {
      const e = errors.unavailable();
      res.status(e.status).json(toEnvelope(e));
      return;
    }
    next();
  });
  mountRoutes(api, opts.routes ?? allRoutes, services, opts.resolveActor);
  api.use((_req, res) => {
    const e = errors.notFound('接口');
    res.status(e.status).json(toEnvelope(e));
  });
  app.use('/api', api);

  if (fs.existsSync(webDist)) {
    app.use(express.static(webDist, { index: false, maxAge: '1h' }));
    // Single-page apps: each area has its own index.html.
    for (const area of ['m', 'screen', 'console']) {
      app.get(new RegExp(`^/${area}(/.*)?$`), (_req, res) => res.sendFile(path.join(webDist, area, 'index.html')));
    }
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(webDist, 'index.html')));
  }
  app.use(errorHandler(services.log));
  return app;
}
