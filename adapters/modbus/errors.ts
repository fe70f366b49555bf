/**
 * Coded errors of the Modbus poller. Configuration errors stop the start; read errors never leave the
 * poller: they mark the device down and show in its status.
 */

/** A device the poller cannot run as configured (no medium for its station...). */
export class ModbusConfigError extends Error {
  readonly code = 'HUB_ERR_MODBUS_CONFIG';
  override readonly name = 'ModbusConfigError';
}

/** A value the register cannot hold (out of range, reserved for "unavailable", not a number). */
export class ModbusEncodeError extends RangeError {
  readonly code = 'HUB_ERR_MODBUS_ENCODE';
  override readonly name = 'ModbusEncodeError';
}

/** A reply with fewer registers or bits than asked for. */
export class ModbusShortReadError extends Error {
  readonly code = 'HUB_ERR_MODBUS_SHORT_READ';
  override readonly name = 'ModbusShortReadError';
}

/** Connecting or a request took longer than the device's `timeoutMs`. */
export class ModbusTimeoutError extends Error {
  readonly code = 'HUB_ERR_MODBUS_TIMEOUT';
  override readonly name = 'ModbusTimeoutError';
}

/** The connection closed under a request: by the device, or by the poller (reconnect, stop). */
export class ModbusClosedError extends Error {
  readonly code = 'HUB_ERR_MODBUS_CLOSED';
  override readonly name = 'ModbusClosedError';
}
