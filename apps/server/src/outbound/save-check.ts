// The save-time half of the outbound rule: a setting that names a target Baton may not call is
// refused with 422 URL_NOT_ALLOWED and the path of every offending field.
import { AppError } from '../errors.js';
import { refusedUrl, type OutboundPolicy } from './address-policy.js';

export interface UrlField {
  /** where the URL sits in the saved body, e.g. providers.0.config.url */
  path: string;
  /** undefined: the URL cannot be checked as written (e.g. a template in its host) */
  url: string | undefined;
}

export function urlProblems(fields: UrlField[], policy: OutboundPolicy): Array<{ path: string; message: string }> {
  return fields.flatMap((f) => {
    const why = f.url === undefined ? 'the scheme and host must be written out (no {{variables}} before the path)' : refusedUrl(f.url, policy);
    return why ? [{ path: f.path, message: why }] : [];
  });
}

export function assertUrlsAllowed(fields: UrlField[], policy: OutboundPolicy): void {
  const problems = urlProblems(fields, policy);
  if (problems.length) throw new AppError('URL_NOT_ALLOWED', `${problems[0]!.path}: ${problems[0]!.message}`, { path: problems[0]!.path, problems });
}
