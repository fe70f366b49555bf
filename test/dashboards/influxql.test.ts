/** The InfluxQL builder: clause order, quoting, and the schema check that stops a misspelt query. */
import { describe, expect, it } from 'vitest';
import {
  col,
  count,
  fieldCmp,
  from,
  fromSubquery,
  ident,
  last,
  literal,
  max,
  perMinute,
  ratePerSecond,
  showTagValues,
  tagIn,
  tagInVar,
  tagIs,
} from '../../dashboards/influxql.ts';

describe('InfluxQL builder', () => {
  it('writes SELECT, FROM, WHERE $timeFilter, GROUP BY time($__interval) and tags, fill', () => {
    const q = from('vessel_position')
      .select(max('sog_kn').as('sog_kn'))
      .where(tagInVar('vessel', 'vessel'))
      .everyInterval()
      .groupBy('source')
      .build();
    expect(q).toBe(
      'SELECT max("sog_kn") AS "sog_kn" FROM "vessel_position" WHERE $timeFilter AND "vessel" =~ /^($vessel)$/ ' +
        'GROUP BY time($__interval), "source" fill(none)',
    );
  });

  it('nests subqueries and reads their columns', () => {
    const inner = from('vessel_state')
      .select(last('silent_min').as('silent_min'), col('at_sea'))
      .groupBy('vessel');
    const q = fromSubquery(inner)
      .select(count('silent_min'))
      .where(fieldCmp('silent_min', '>=', 120), fieldCmp('at_sea', '=', true))
      .build();
    expect(q).toBe(
      'SELECT count("silent_min") FROM (SELECT last("silent_min") AS "silent_min", "at_sea" FROM "vessel_state" ' +
        'WHERE $timeFilter GROUP BY "vessel") WHERE $timeFilter AND "silent_min" >= 120 AND "at_sea" = true',
    );
    expect(() => fromSubquery(inner).select(col('zone')).build()).toThrow(
      /the subquery has no field or tag "zone"/,
    );
  });

  it('quotes identifiers, strings and regex alternatives', () => {
    expect(ident('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(literal("it's")).toBe("'it\\'s'");
    expect(tagIs('station', "o'hara").sql).toBe(`"station" = 'o\\'hara'`);
    expect(tagIn('label', ['car', 'a.b/c']).sql).toBe('"label" =~ /^(car|a\\.b\\/c)$/');
  });

  it('rates, per-minute counts and registry queries without a time range', () => {
    expect(
      from('hub')
        .select(ratePerSecond(max('msgs_in')))
        .everyInterval()
        .build(),
    ).toContain('non_negative_derivative(max("msgs_in"), 1s)');
    expect(
      from('camera_event')
        .select(perMinute(count('event_id')))
        .everyInterval(0)
        .build(),
    ).toBe(
      'SELECT count("event_id") * 60000 / $__interval_ms FROM "camera_event" WHERE $timeFilter GROUP BY time($__interval) fill(0)',
    );
    expect(from('device_info').select(last('lat')).where(tagIs('kind', 'camera')).allTime().build()).toBe(
      `SELECT last("lat") FROM "device_info" WHERE "kind" = 'camera'`,
    );
  });

  it('refuses a field, tag or grouping the schema does not have (DESIGN.md is the contract)', () => {
    expect(() => from('environment').select(last('pm2_5')).build()).toThrow(
      /environment has no field or tag "pm2_5"/,
    );
    expect(() => from('environment').select(last('pm25')).groupBy('sensor').build()).toThrow(
      /no tag "sensor"/,
    );
    expect(() => from('alert').select(col('state')).where(tagIs('dept', 'x')).build()).toThrow(
      /WHERE "dept"/,
    );
    expect(() => showTagValues('alert', 'state')).toThrow(/alert has no tag "state"/);
    expect(() => from('hub').build()).toThrow(/selects nothing/);
  });
});
