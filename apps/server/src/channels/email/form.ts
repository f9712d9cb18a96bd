// The fields of a form post, read synchronously from its bytes (the signature is checked before the
// route's handler, and Mailgun's signature is in the fields): multipart/form-data (Mailgun's raw-MIME
// route, RFC 7578) or application/x-www-form-urlencoded. File parts are kept as bytes.

export interface FormField {
  name: string;
  /** the part's bytes (text fields: UTF-8) */
  bytes: Buffer;
  filename?: string;
}

export function formFields(raw: Buffer, contentType: string | undefined): FormField[] {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return [...new URLSearchParams(raw.toString('utf8'))].map(([name, value]) => ({ name, bytes: Buffer.from(value, 'utf8') }));
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!type.startsWith('multipart/form-data') || !boundary) return [];
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: FormField[] = [];
  let at = raw.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    // "--" after the delimiter closes the body
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, start);
    if (next < 0) break;
    const part = raw.subarray(start + 2, next - 2); // the CRLF after the delimiter, the CRLF before the next
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0) {
      const headers = part.subarray(0, split).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      if (name !== undefined) fields.push({ name, bytes: part.subarray(split + 4), ...(filename !== undefined ? { filename } : {}) });
    }
    at = next;
  }
  return fields;
}

/** The first text field of that name. */
export function field(fields: readonly FormField[], name: string): string | undefined {
  return fields.find((f) => f.name === name && f.filename === undefined)?.bytes.toString('utf8');
}
