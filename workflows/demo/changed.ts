/**
 * An incompatible edit of workflows/demo (same workflow names, different commands): the replay
 * fidelity suite shows that histories recorded with the original code are rejected by this one.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { DemoActivities } from '../../activities/demo';

const { greet, shout } = proxyActivities<DemoActivities>({ startToCloseTimeout: '1 minute' });

/** Was: two activities. Now starts with a timer, which the recorded history does not have. */
export async function twoActivities(name: string): Promise<string> {
  await sleep('1 minute');
  const a = await greet(name);
  return await shout(a);
}
