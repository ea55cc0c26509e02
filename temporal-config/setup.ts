/**
 * `npm run temporal:setup`: prepares a Temporal cluster for the platform — the namespace (with its
 * history retention) and the console's search attributes (temporal-config/search-attributes.ts),
 * through the workflow and operator services. Idempotent: run it on every deployment.
 *
 *   TEMPORAL_ADDRESS=temporal:7233 TEMPORAL_NAMESPACE=grid-governance npm run temporal:setup
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { proto } from '../engine/proto';
import { SEARCH_ATTRIBUTE_TYPES } from './search-attributes';

const IVT = proto.temporal.api.enums.v1.IndexedValueType;
const INDEXED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: IVT.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IVT.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IVT.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IVT.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IVT.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export interface SetupOptions {
  address: string;
  namespace: string;
  /** History retention of closed executions, days (audit needs ≥ 180). */
  retentionDays?: number;
  /** Keep retrying the first connection this long (a cluster still starting up). */
  waitSeconds?: number;
  log?: (line: string) => void;
}

export interface SetupResult {
  namespaceCreated: boolean;
  added: string[];
  existing: string[];
}

async function ensureNamespace(conn: Connection, namespace: string, retentionDays: number): Promise<boolean> {
  try {
    await conn.workflowService.describeNamespace({ namespace });
    return false;
  } catch (err) {
    if ((err as { code?: number }).code !== 5 /* NOT_FOUND */) throw err;
  }
  await conn.workflowService.registerNamespace({
    namespace,
    description: '一张表数字化治理平台',
    workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
  });
  // A new namespace takes a few seconds to reach every frontend.
  for (let i = 0; i < 30; i++) {
    try {
      await conn.workflowService.describeNamespace({ namespace });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  return true;
}

async function connectWithWait(address: string, waitSeconds: number, log: (l: string) => void): Promise<Connection> {
  const until = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      const conn = await Connection.connect({ address, connectTimeout: '5s' });
      await conn.healthService.check({});
      return conn;
    } catch (err) {
      if (Date.now() >= until) throw err;
      log(`等待 Temporal 集群 ${address} 就绪…`);
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

export async function setupCluster(opts: SetupOptions): Promise<SetupResult> {
  const log = opts.log ?? (() => {});
  const conn = await connectWithWait(opts.address, opts.waitSeconds ?? 0, log);
  try {
    const namespaceCreated = await ensureNamespace(conn, opts.namespace, opts.retentionDays ?? 180);
    log(namespaceCreated ? `已创建命名空间 ${opts.namespace}` : `命名空间 ${opts.namespace} 已存在`);
    const have = await conn.operatorService.listSearchAttributes({ namespace: opts.namespace });
    const present = new Set([...Object.keys(have.customAttributes ?? {}), ...Object.keys(have.systemAttributes ?? {})]);
    const missing = Object.entries(SEARCH_ATTRIBUTE_TYPES).filter(([name]) => !present.has(name));
    if (missing.length > 0) {
      await conn.operatorService.addSearchAttributes({
        namespace: opts.namespace,
        searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED[type]])),
      });
    }
    const added = missing.map(([n]) => n);
    const existing = Object.keys(SEARCH_ATTRIBUTE_TYPES).filter((n) => present.has(n));
    log(`检索属性：新增 ${added.join(', ') || '无'}；已有 ${existing.join(', ') || '无'}`);
    return { namespaceCreated, added, existing };
  } finally {
    await conn.close();
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) {
    console.error('请设置 TEMPORAL_ADDRESS（例如 localhost:7233）后再运行 npm run temporal:setup');
    process.exit(2);
  }
  setupCluster({
    address,
    namespace: process.env.TEMPORAL_NAMESPACE || 'default',
    retentionDays: Number(process.env.TEMPORAL_RETENTION_DAYS || 180),
    waitSeconds: Number(process.env.TEMPORAL_SETUP_WAIT_S || 0),
    log: (l) => console.log(l),
  }).catch((err) => {
    console.error(`Temporal 集群初始化失败：${(err as Error).message}`);
    process.exit(1);
  });
}
