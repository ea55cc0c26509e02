/**
 * The workflow bundle, built once per process and per workflows path: `bundleWorkflowCode` runs
 * webpack and takes seconds, while every sandbox (live or replay) is made from the same code.
 */
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { RawSourceMap } from 'source-map';

export interface LoadedBundle {
  code: string;
  sourceMap: RawSourceMap;
  filename: string;
}

const cache = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** The bundle of `workflowsPath`, shared by every engine in this process. */
export function workflowBundle(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  let p = cache.get(workflowsPath);
  if (!p) {
    // The SDK's own workflow package is evaluated once per context instead of once per run: its
    // module state all lives in the run's activator. A run still gets its own copy of the
    // workflows module and of anything else it imports.
    p = bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN'), preloadModules: ['@temporalio/workflow'] });
    cache.set(workflowsPath, p);
    p.catch(() => cache.delete(workflowsPath));
  }
  return p;
}

/** `VMWorkflowCreator.create` wants the source map as an object, found inline in the code. */
export function loadBundle(bundle: WorkflowBundleWithSourceMap, filename = 'workflow-bundle.js'): LoadedBundle {
  const m = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(bundle.code);
  const sourceMap = m
    ? (JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')) as RawSourceMap)
    : ({ version: 3, sources: [], names: [], mappings: '', file: filename } as unknown as RawSourceMap);
  return { code: bundle.code, sourceMap, filename };
}
