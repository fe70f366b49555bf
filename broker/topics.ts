/**
 * The data topics of DESIGN.md and the adapter each goes to. Every other topic is plain MQTT: relayed to
 * subscribers within the ACL, neither ingested nor dead-lettered.
 */

export type DataSource = 'nmea' | 'vms' | 'ais' | 'stations' | 'camera' | 'frigate';

export interface Route {
  source: DataSource;
  /** The entity the topic names: vessel, receiver, station or camera id ('' for `frigate/events`). */
  entity: string;
  /** First topic level, the `root` label of the `msgs_in` metric. */
  root: string;
}

/** Routes a PUBLISH topic to its adapter, or null for a plain (non-data) topic. Allocation-light: hot path. */
export function routeTopic(topic: string): Route | null {
  const parts = topic.split('/');
  const [root, entity, leaf] = parts;
  if (root === undefined || entity === undefined || entity.length === 0) return null;
  if (parts.length === 3) {
    if (root === 'vessels' && leaf === 'nmea') return { source: 'nmea', entity, root };
    if (root === 'vessels' && leaf === 'vms') return { source: 'vms', entity, root };
    if (root === 'stations' && leaf === 'readings') return { source: 'stations', entity, root };
    if (root === 'cameras' && leaf === 'events') return { source: 'camera', entity, root };
    return null;
  }
  if (parts.length === 2) {
    if (root === 'ais') return { source: 'ais', entity, root };
    if (root === 'frigate' && entity === 'events') return { source: 'frigate', entity: '', root };
  }
  return null;
}

/** MQTT topic filter match [MQTT-4.7]: `+` one level, `#` the rest; `$` topics only by explicit filters. */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  if (topic.startsWith('$') && !filter.startsWith('$')) return false; // [MQTT-4.7.2-1]
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Whether every topic a subscription filter can match is also matched by `allowed` (filter ⊆ allowed). */
export function filterWithin(filter: string, allowed: string): boolean {
  const f = filter.split('/');
  const a = allowed.split('/');
  for (let i = 0; i < f.length; i++) {
    const al = a[i];
    const fl = f[i];
    if (al === '#') return true;
    if (al === undefined) return false;
    if (fl === '#') return false;
    if (al === '+') {
      continue;
    }
    if (fl === '+' || fl !== al) return false;
  }
  return f.length === a.length;
}
