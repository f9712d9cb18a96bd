// CSV for spreadsheets, streamed: RFC 4180 quoting by csv-stringify, and every text cell a spreadsheet
// would run as a formula (starting with = + - @, a tab or a carriage return) prefixed with ' so that it
// stays text (CSV injection).
import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';

export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A CSV stream with a header line, written as `rows` yields (never the whole table in memory). */
export function csvStream<C extends string>(columns: readonly C[], rows: AsyncIterable<Record<C, string | number | null>>): Readable {
  const csv = stringify({ header: true, columns: [...columns], cast: { string: guardCell } });
  // a failure while reading ends the response (a truncated file is not mistaken for a whole one: no
  // chunked terminator); the error reaches whoever consumes the stream
  pipeline(Readable.from(rows), csv, () => undefined);
  return csv;
}
