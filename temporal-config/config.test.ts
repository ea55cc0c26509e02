import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toVisibilityQuery } from './cluster';
import { orgScopeValues, SA, SEARCH_ATTRIBUTE_TYPES } from './search-attributes';
import { setupCluster } from './setup';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI_TYPE: Record<string, string> = {
  KEYWORD: 'Keyword',
  KEYWORD_LIST: 'KeywordList',
  DATETIME: 'Datetime',
  BOOL: 'Bool',
  INT: 'Int',
  TEXT: 'Text',
  DOUBLE: 'Double',
};

describe('temporal-config: search attributes and cluster wiring', () => {
  it('every declared search attribute is in the CLI setup script with the same type', () => {
    const script = fs.readFileSync(path.join(here, 'deploy/namespace-setup.sh'), 'utf8');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) {
      expect(script).toContain(`sa ${name} ${CLI_TYPE[type]}\n`);
    }
    expect(SA.OrgScope.type).toBe('KEYWORD_LIST');
  });

  it('OrgScope holds every ancestor, so scope filtering is an equality test', () => {
    expect(orgScopeValues('km.d01.s03.c02.g07')).toEqual(['km', 'km.d01', 'km.d01.s03', 'km.d01.s03.c02', 'km.d01.s03.c02.g07']);
  });

  it('the list filter compiles to a Temporal visibility query, quoting values', () => {
    const q = toVisibilityQuery({
      type: 'demoApproval',
      status: ['RUNNING', 'CANCELLED'],
      searchAttributes: { BizType: 'issue', OrgScope: ['km.d01', "x'y"], Overdue: true },
      startedAfter: new Date('2026-01-01T00:00:00Z'),
    });
    expect(q).toBe(
      "WorkflowType = 'demoApproval' AND ExecutionStatus IN ('Running', 'Canceled') AND BizType = 'issue' AND OrgScope IN ('km.d01', 'x\\'y') AND Overdue = true AND StartTime >= '2026-01-01T00:00:00.000Z'",
    );
    expect(() => toVisibilityQuery({ searchAttributes: { 'a b': 1 } })).toThrow();
    expect(toVisibilityQuery({})).toBe('');
  });

  it.skipIf(!process.env.TEMPORAL_ADDRESS)(
    'temporal:setup registers the namespace and every search attribute (needs a live Temporal cluster: set TEMPORAL_ADDRESS)',
    async () => {
      const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
      const first = await setupCluster({ address: process.env.TEMPORAL_ADDRESS as string, namespace });
      expect([...first.added, ...first.existing].sort()).toEqual(Object.keys(SEARCH_ATTRIBUTE_TYPES).sort());
      const again = await setupCluster({ address: process.env.TEMPORAL_ADDRESS as string, namespace });
      expect(again.added).toEqual([]);
    },
    120_000,
  );
});
