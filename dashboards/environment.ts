/**
 * What the air and water walls share: the station variable (the stations of one medium) and the mean of
 * a field per station and interval.
 */
import type { QueryVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { from, mean, type Select, showTagValues, tagInVar, tagIs } from './influxql.ts';
import { queryVariable } from './layout.ts';

export type Medium = 'air' | 'water';

/** The stations chosen in the `$station` variable. */
export const STATION = tagInVar('station', 'station');

export const ofMedium = (medium: Medium) => tagIs('medium', medium);

/** `$station`: every station of the medium that has sent readings, all selected. */
export function stationVariable(medium: Medium): QueryVariableBuilder {
  return queryVariable('station', 'Trạm', showTagValues('environment', 'station', ofMedium(medium)), {
    current: 'all',
  });
}

/** The mean of `field` per station of the medium and `$__interval`, as a series named after the field. */
export function meanPerStation(medium: Medium, field: string): Select {
  return from('environment')
    .select(mean(field).as(field))
    .where(ofMedium(medium), STATION)
    .everyInterval()
    .groupBy('station');
}
