// A data-scale set in a PostgreSQL database of its own, kept for repeated measurements
// (bench/ab-scale.ts --pg-a=…): `node --import tsx bench/data-scale/generate-pg.ts <database> [scale]`
// (re)creates the database on the machine's PostgreSQL (TEST_DATABASE_URL's server, else
// 127.0.0.1:5432 as postgres), generates the set into it, and writes its fixture to
// /tmp/<database>.fixture.json. Drop the database when done: 300k conversations take ~2.6 GB.
import fs from 'node:fs';
import pg from 'pg';
import { generate } from './generate.js';

const [name, scale] = [process.argv[2], Number(process.argv[3] ?? 300_000)];
if (!name || !/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('usage: generate-pg.ts <database name: a-z, 0-9, _> [scale]');
const server = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const admin = new pg.Client({ connectionString: server.href });
await admin.connect();
try {
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
} finally {
  await admin.end();
}
server.pathname = `/${name}`;
const fixture = await generate({ scale, databaseUrl: server.href, log: console.log });
const file = `/tmp/${name}.fixture.json`;
fs.writeFileSync(file, JSON.stringify(fixture, null, 2));
console.log(`generated ${scale} conversations in ${fixture.generationSeconds} s into ${server.href}; fixture: ${file}`);
