import { describe, expect, it } from 'vitest';
import { mayPublish, maySubscribe } from '../../broker/acl.ts';
import { filterWithin, routeTopic, topicMatches } from '../../broker/topics.ts';
import type { Device } from '../../ingest/registry.ts';

describe('routeTopic', () => {
  it.each([
    ['vessels/TTH-90123-TS/nmea', 'nmea', 'TTH-90123-TS'],
    ['vessels/TTH-90123-TS/vms', 'vms', 'TTH-90123-TS'],
    ['ais/thuan-an-rx', 'ais', 'thuan-an-rx'],
    ['stations/hue-aq-01/readings', 'stations', 'hue-aq-01'],
    ['cameras/truong-tien-bridge/events', 'camera', 'truong-tien-bridge'],
    ['frigate/events', 'frigate', ''],
  ])('%s goes to %s', (topic, source, entity) => {
    expect(routeTopic(topic)).toMatchObject({ source, entity });
  });

  it.each([
    'frigate/available',
    'frigate/stats',
    'frigate/front/car',
    'frigate/front/car/snapshot',
    'vessels/TTH-1/other',
    'vessels//nmea',
    'vessels/TTH-1/nmea/extra',
    'alerts/fisheries/x/y',
    'random',
  ])('%s is plain MQTT', (topic) => {
    expect(routeTopic(topic)).toBeNull();
  });
});

describe('topic filters', () => {
  it('matches + and # as MQTT does, and keeps $ topics out of wildcards', () => {
    expect(topicMatches('vessels/+/nmea', 'vessels/A/nmea')).toBe(true);
    expect(topicMatches('vessels/#', 'vessels/A/nmea')).toBe(true);
    expect(topicMatches('vessels/#', 'vessels')).toBe(true);
    expect(topicMatches('vessels/+', 'vessels/A/nmea')).toBe(false);
    expect(topicMatches('#', '$hub/dropped')).toBe(false);
  });

  it('knows when a subscription filter stays inside an allowed one', () => {
    expect(filterWithin('alerts/fisheries/#', 'alerts/#')).toBe(true);
    expect(filterWithin('alerts/+/x', 'alerts/#')).toBe(true);
    expect(filterWithin('#', 'alerts/#')).toBe(false);
    expect(filterWithin('hub/deadletter/A', 'hub/deadletter/A')).toBe(true);
    expect(filterWithin('hub/deadletter/+', 'hub/deadletter/A')).toBe(false);
  });
});

describe('ACL', () => {
  const vessel: Device = { id: 'TTH-90123-TS', kind: 'vessel' };
  const gateway: Device = { id: 'nvr-1', kind: 'gateway', publish: ['frigate/#'] };
  const operator: Device = { id: 'duty', kind: 'operator' };

  it('lets a vessel publish only under its own id', () => {
    expect(mayPublish(vessel, 'vessels/TTH-90123-TS/nmea')).toBe(true);
    expect(mayPublish(vessel, 'vessels/TTH-99999-TS/nmea')).toBe(false);
    expect(mayPublish(vessel, 'stations/x/readings')).toBe(false);
  });

  it('keeps alerts/ and hub/ for the hub, even for anonymous clients', () => {
    expect(mayPublish(undefined, 'alerts/fisheries/x/y')).toBe(false);
    expect(mayPublish(undefined, 'hub/status/x')).toBe(false);
    expect(mayPublish(undefined, 'vessels/A/nmea')).toBe(true);
  });

  it('lets a gateway publish to its listed filters', () => {
    expect(mayPublish(gateway, 'frigate/events')).toBe(true);
    expect(mayPublish(gateway, 'vessels/A/nmea')).toBe(false);
  });

  it('lets devices read their own dead letters and operators the alerts', () => {
    expect(maySubscribe(vessel, 'hub/deadletter/TTH-90123-TS')).toBe(true);
    expect(maySubscribe(vessel, 'hub/deadletter/other')).toBe(false);
    expect(maySubscribe(vessel, 'alerts/#')).toBe(false);
    expect(maySubscribe(operator, 'alerts/#')).toBe(true);
    expect(maySubscribe(operator, 'hub/#')).toBe(true);
    expect(maySubscribe(operator, '#')).toBe(false);
  });
});
