/** The `modbus` section of the config: stations the hub polls itself. Filled in by the Modbus adapter. */
import { z } from 'zod';

export const ModbusConfigSchema = z
  .object({
    devices: z.array(z.unknown()).default([]),
  })
  .strict();

export type ModbusConfig = z.infer<typeof ModbusConfigSchema>;
