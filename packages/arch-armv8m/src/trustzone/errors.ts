// The typed error of the TrustZone-M model: a layout the SAU cannot express or that breaks the
// enclave rules, or a core operation asked for in the wrong security state or mode. Faults the
// architecture defines (SecureFault and its SFSR bits) are results, not errors. Relies on the
// package's error base class.

import { ArmV8mError } from '../errors';

/** Codes of {@link TrustZoneError}. */
export type TrustZoneErrorCode =
  | 'bad-range'
  | 'misaligned'
  | 'overlap'
  | 'bad-entry'
  | 'too-many-regions'
  | 'wrong-state'
  | 'unsupported';

/** A bad TrustZone-M layout or a core operation the current state does not allow. */
export class TrustZoneError extends ArmV8mError<TrustZoneErrorCode> {}
