// A minimal workflow for the smoke test: one activity round trip through the real server.
import { proxyActivities } from '@temporalio/workflow';

const { echo } = proxyActivities<{ echo(text: string): Promise<string> }>({ startToCloseTimeout: '10 seconds' });

export async function smoke(text: string): Promise<string> {
  return `workflow saw: ${await echo(text)}`;
}
