/**
 * Errors a user can meet. Each carries a stable `code` (part of the API contract), the HTTP status it
 * maps to, and a human message. Anything that is not an AppError is reported as `internal_error`
 * without details: stack traces and driver messages never leave the process.
 */
export type ErrorDetails = Record<string, unknown> | readonly unknown[];

export class AppError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly details: ErrorDetails | undefined;

  constructor(code: string, httpStatus: number, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.httpStatus = httpStatus;
    this.details = details;
  }
}

export const notFound = (what = 'resource') => new AppError('not_found', 404, `The ${what} was not found.`);

export const forbidden = (message = 'You do not have permission to do this.') =>
  new AppError('forbidden', 403, message);

export const badRequest = (code: string, message: string, details?: ErrorDetails) =>
  new AppError(code, 400, message, details);

export const conflict = (code: string, message: string, details?: ErrorDetails) =>
  new AppError(code, 409, message, details);

export const unauthenticated = (message = 'Please sign in.') => new AppError('unauthenticated', 401, message);
