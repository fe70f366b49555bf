/**
 * Topic ACL from the registry (reliability and security issue): a vessel publishes only under
 * `vessels/{its id}/`, a station under `stations/{its id}/`, a camera under `cameras/{its id}/`, a gateway
 * to the filters listed for it; only the hub publishes on `alerts/` and `hub/`. Devices subscribe to
 * their own dead letters and the filters their entry allows; operators to alerts, hub and data topics.
 */
import type { Device } from '../ingest/registry.ts';
import { filterWithin, topicMatches } from './topics.ts';

const HUB_ONLY = ['alerts/', 'hub/', '$'];
const OPERATOR_SUBSCRIBE = [
  'alerts/#',
  'hub/#',
  'vessels/#',
  'ais/#',
  'stations/#',
  'cameras/#',
  'frigate/#',
];

export function publishFilters(device: Device): string[] {
  const own: Record<string, string[]> = {
    vessel: [`vessels/${device.id}/#`],
    station: [`stations/${device.id}/#`],
    camera: [`cameras/${device.id}/#`],
    gateway: [],
    operator: [],
  };
  return [...(own[device.kind] ?? []), ...(device.publish ?? [])];
}

export function subscribeFilters(device: Device): string[] {
  const base = [`hub/deadletter/${device.id}`];
  if (device.kind === 'operator') base.push(...OPERATOR_SUBSCRIBE);
  return [...base, ...(device.subscribe ?? [])];
}

/** May this client publish on `topic`? `device` undefined = an anonymous client (allowAnonymous). */
export function mayPublish(device: Device | undefined, topic: string): boolean {
  if (HUB_ONLY.some((p) => topic.startsWith(p))) return false;
  if (!device) return true;
  // Checked on every publish: the device's filters are built once per registry entry.
  let filters = publishFiltersOf.get(device);
  if (!filters) {
    filters = publishFilters(device);
    publishFiltersOf.set(device, filters);
  }
  return filters.some((f) => topicMatches(f, topic));
}

const publishFiltersOf = new WeakMap<Device, string[]>();

export function maySubscribe(device: Device | undefined, filter: string): boolean {
  if (filter.startsWith('$hub/')) return false;
  if (!device) return true;
  return subscribeFilters(device).some((allowed) => filterWithin(filter, allowed));
}
