/**
 * The map of the registered devices of one kind that a dashboard variable selects (air or water
 * stations, cameras), positioned from the device registry: the last `lat`, `lon` and `name` of each
 * device in `device_info`.
 */
import type { PanelBuilder as Geomap } from '@grafana/grafana-foundation-sdk/geomap';
import { target } from './datasource.ts';
import { col, from, last, tagInVar, tagIs } from './influxql.ts';
import { geomap } from './panels.ts';

export interface DeviceMapOptions {
  kind: 'station' | 'camera';
  /** The dashboard variable that lists the devices. */
  variable: string;
  title: string;
  /** The devices in English, for the description (`Air stations`). */
  what: string;
  /** The devices in Vietnamese (`Trạm`): the layer's name and the tooltip's device row. */
  label: string;
  symbol: 'circle' | 'square';
}

export function deviceMap(o: DeviceMapOptions): Geomap {
  const positions = from('device_info')
    .select(last('lat').as('lat'), col('lon'), col('name'))
    .where(tagIs('kind', o.kind), tagInVar('device', o.variable))
    .groupBy('device')
    .allTime();
  return geomap({
    title: o.title,
    description: `${o.what} of the selected list, positioned from the device registry (device_info).`,
    targets: [target('A', positions, { format: 'table' })],
    layer: { kind: 'markers', name: o.label, textField: 'device', symbol: o.symbol },
    view: { fit: true },
    names: { device: o.label, name: 'Tên' },
  });
}
