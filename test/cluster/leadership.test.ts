/** The leader's duties: started in order, stopped in reverse, a failed essential duty gives the term up. */
import { describe, expect, it } from 'vitest';
import { type LeaderDuty, Leadership } from '../../cluster/leadership.ts';
import { silentLogger } from '../../hub/log.ts';

function duty(name: string, log: string[], opts: { fails?: boolean; essential?: boolean } = {}): LeaderDuty {
  return {
    name,
    ...(opts.essential ? { essential: true } : {}),
    start: async () => {
      if (opts.fails) throw new Error(`${name} cannot start`);
      log.push(`start ${name}`);
    },
    stop: async () => {
      log.push(`stop ${name}`);
    },
  };
}

describe('leader duties', () => {
  it('start in order on the lease, stop in reverse when it goes, once each however often told', async () => {
    const log: string[] = [];
    const leadership = new Leadership(
      [duty('alerts', log), duty('feed', log), duty('modbus', log)],
      silentLogger,
    );
    void leadership.change(true);
    void leadership.change(true);
    await leadership.change(false, 'lost');
    await leadership.change(false, 'lost');
    expect(log).toEqual([
      'start alerts',
      'start feed',
      'start modbus',
      'stop modbus',
      'stop feed',
      'stop alerts',
    ]);
    expect(leadership.terms).toBe(1);
    expect(leadership.running).toBe(false);
  });

  it('runs on without a duty that is not essential, and gives the term up when an essential one fails', async () => {
    const log: string[] = [];
    let gaveUp = 0;
    const optional = new Leadership(
      [duty('modbus', log, { fails: true }), duty('alerts', log)],
      silentLogger,
    );
    optional.onEssentialFailure = () => gaveUp++;
    await optional.change(true);
    expect(optional.running).toBe(true);
    expect(gaveUp).toBe(0);

    const essential = new Leadership(
      [duty('device-info', log), duty('alerts', log, { fails: true, essential: true }), duty('feed', log)],
      silentLogger,
    );
    essential.onEssentialFailure = () => gaveUp++;
    log.length = 0;
    await essential.change(true);
    expect(essential.running).toBe(false);
    expect(gaveUp).toBe(1);
    expect(log).toEqual(['start device-info', 'stop feed', 'stop alerts', 'stop device-info']);
  });
});
