// Errors as the server raises and answers them: AppError carries a code of the catalog (proto's
// ERROR_CATALOG: stable code, HTTP status, default message), errorBody shapes the JSON answer.
import { ERROR_CATALOG, type ErrorCode } from '@baton/proto';

/** The catalog lives in proto so clients can switch on the same typed codes. */
export const ERRORS = ERROR_CATALOG;
export type { ErrorCode };

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
  }
}

export function errorBody(code: ErrorCode, message?: string, details?: unknown) {
  return { error: { code, message: message ?? ERRORS[code].message, ...(details === undefined ? {} : { details }) } };
}
