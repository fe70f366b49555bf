/**
 * The Modbus adapter: a poller the hub drives itself (a ServiceAdapter), its config schema, and the
 * register codec the simulators' Modbus servers share with it. README.md is the reference.
 */
export {
  BYTE_ORDERS_32,
  BYTE_ORDERS_64,
  type ModbusConfig,
  ModbusConfigSchema,
  type ModbusDevice,
  type ModbusDeviceInput,
  ModbusDeviceSchema,
  type ModbusRegister,
  type ModbusRegisterInput,
  ModbusRegisterSchema,
  REGISTER_TABLES,
  REGISTER_TYPES,
  registerWidth,
} from './config.ts';
export { decodeRegister, planReads, type ReadPlan } from './decode.ts';
export { encodeImage, encodeRegister, type RegisterImage } from './encode.ts';
export {
  ModbusClosedError,
  ModbusConfigError,
  ModbusEncodeError,
  ModbusShortReadError,
  ModbusTimeoutError,
} from './errors.ts';
export {
  createModbusPoller,
  id,
  type ModbusDeviceStatus,
  type ModbusPoller,
  type ModbusPollerContext,
} from './poller.ts';
export { parseModbusUrl } from './url.ts';
