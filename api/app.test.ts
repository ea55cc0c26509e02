import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../db/testing/server';
import { createApp } from './app';
import { defineRoutes } from './http';
import { createLogger } from './logger';
import { allRoutes } from './routes';

let t: TestDb;
let base: string;
let close: () => void;

beforeAll(async () => {
  t = await createTestDb();
  const echo = defineRoutes([
    {
      method: 'post',
      path: '/echo',
      permission: 'public',
      summary: 'test',
      body: { type: 'object', required: ['name'], properties: { name: { type: 'string', title: '姓名', minLength: 1 } } },
      async handler({ body }) {
        return body;
      },
    },
  ]);
  const app = createApp({ db: t.db, log: createLogger('silent') }, { resolveActor: async () => null, routes: [...allRoutes, ...echo] });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
  close = () => server.close();
});
afterAll(async () => {
  close();
  await t.drop();
});

describe('API conventions', () => {
  it('N-4 /api/health answers 200 with JSON', async () => {
    const r = await fetch(`${base}/health`);
    expect(r.status).toBe(200);
    expect((await r.json()).status).toBe('ok');
  });
  it('N-5 bad input gets a Chinese 400 naming the field, never a 500', async () => {
    const r = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(400);
    const j = await r.json();
    expect(j.error.code).toBe('VALIDATION_FAILED');
    expect(j.error.fields[0]).toMatchObject({ field: 'name' });
    expect(j.error.fields[0].message).toContain('姓名');
  });
  it('N-5 malformed JSON is a 400', async () => {
    const r = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(r.status).toBe(400);
    expect((await r.json()).error.message).toContain('JSON');
  });
  it('unknown API paths are a Chinese 404', async () => {
    const r = await fetch(`${base}/nope`);
    expect(r.status).toBe(404);
    expect((await r.json()).error.message).toContain('不存在');
  });
});
