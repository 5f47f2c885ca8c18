/**
 * How many clients are connected to one account, from the server's monitoring endpoint
 * (`/connz?acc=NAME`, answered from the server's live state). Recycling an account disconnects its
 * clients, so a released account first gives them the release grace period to leave on their own.
 */
import { ModuleError } from '../../errors.js';

export async function accountConnections(monitorUrl: string, account: string, timeoutMs: number, signal: AbortSignal): Promise<number> {
  const response = await fetch(`${monitorUrl}/connz?acc=${encodeURIComponent(account)}&limit=1`, {
    signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
  });
  const body = (await response.json().catch(() => undefined)) as { num_connections?: unknown } | undefined;
  if (!response.ok || typeof body?.num_connections !== 'number') {
    throw new ModuleError(`nats monitoring /connz?acc=${account} answered ${response.status} without num_connections`);
  }
  return body.num_connections;
}
